// The phone's own store (IndexedDB through idb): the queue of records, cached look-ups and
// the session. A record is written here before anything is sent, and stays until uploaded.
import { openDB } from "idb";

// Plain copies: what Vue hands out are reactive proxies, which IndexedDB cannot clone.
const plain = (value) => JSON.parse(JSON.stringify(value));

const dbPromise = openDB("pufa-field", 1, {
  upgrade(db) {
    const items = db.createObjectStore("items", { keyPath: "key" });
    items.createIndex("owner", "owner");
    db.createObjectStore("cache");
    db.createObjectStore("session");
  },
});

export async function putItem(item) {
  return (await dbPromise).put("items", plain(item));
}

export async function getItem(key) {
  return (await dbPromise).get("items", key);
}

export async function itemsOf(owner) {
  const all = await (await dbPromise).getAllFromIndex("items", "owner", owner);
  return all.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export async function putItems(items) {
  const tx = (await dbPromise).transaction("items", "readwrite");
  await Promise.all([...items.map((item) => tx.store.put(plain(item))), tx.done]);
}

export async function cached(key) {
  return (await dbPromise).get("cache", key);
}

export async function remember(key, value) {
  return (await dbPromise).put("cache", plain(value), key);
}

export async function readSession() {
  return (await dbPromise).get("session", "current");
}

export async function writeSession(session) {
  const db = await dbPromise;
  return session ? db.put("session", plain(session), "current") : db.delete("session", "current");
}
