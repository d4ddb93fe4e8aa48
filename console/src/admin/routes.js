// The admin console's pages (issue 21), mounted inside the console's shell.
//
// Each route is a child of the shell (its path without a leading slash, under "admin/"),
// and its `meta` says where it shows in the menu and who may open it:
//   { path: "admin/registry", component: () => import("./Registry.vue"),
//     meta: { title: "村(社区)与法律顾问", menu: true, group: "admin", roles: ["admin"] } }
// `roles` is enforced by the router (anyone else is sent to the page they may see, and the
// API refuses them anyway); `menu: true` lists it, `group: "admin"` under 系统管理.
export const adminRoutes = [];
