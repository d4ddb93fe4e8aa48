// What the server checks about a resident, checked on the phone first (the same rules as
// shared/pii.py and the consultations schema), so a mistake is fixed while the person is there.
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = "10X98765432";

export function idNumberProblem(raw) {
  const value = (raw || "").toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return "身份证号应为18位：17位数字加校验位（数字或X）";
  const [year, month, day] = [value.slice(6, 10), value.slice(10, 12), value.slice(12, 14)].map(Number);
  const born = new Date(Date.UTC(year, month - 1, day));
  if (born.getUTCFullYear() !== year || born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) {
    return "身份证号中的出生日期不是有效日期";
  }
  const total = ID_WEIGHTS.reduce((sum, weight, i) => sum + weight * Number(value[i]), 0);
  if (ID_CHECK_CHARS[total % 11] !== value[17]) return "身份证号校验位不对，请核对";
  return null;
}

export function phoneProblem(value) {
  return /^1[3-9]\d{9}$/.test(value || "") ? null : "手机号应为以1开头的11位数字";
}

// datetime-local text (the phone's local time) to an ISO moment with its offset, and back.
export function localInput(date = new Date()) {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return shifted.toISOString().slice(0, 16);
}

export function isoMoment(local) {
  return new Date(local).toISOString();
}

export function localDay(date = new Date()) {
  return localInput(date).slice(0, 10);
}
