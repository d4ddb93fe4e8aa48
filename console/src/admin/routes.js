// The admin console's pages (issue 21), mounted inside the console's shell.
//
// Each route is a child of the shell (its path without a leading slash, under "admin/"),
// and its `meta` says where it shows in the menu and who may open it:
//   { path: "admin/registry", component: () => import("./Registry.vue"),
//     meta: { title: "村(社区)与法律顾问", menu: true, group: "admin", roles: ["admin"] } }
// `roles` is enforced by the router (anyone else is sent to the page they may see, and the
// API refuses them anyway); `menu: true` lists it, `group: "admin"` under 系统管理.
const ADMINS = ["admin"];

function page(path, title, component) {
  return { path: `admin/${path}`, name: `admin-${path}`, component, meta: { title, menu: true, group: "admin", roles: ADMINS } };
}

export const adminRoutes = [
  page("villages", "村(社区)与派驻", () => import("./Villages.vue")),
  page("coverage", "派驻覆盖", () => import("./Coverage.vue")),
  page("advisors", "法律顾问", () => import("./Advisors.vue")),
  page("transfer", "导入导出", () => import("./Transfer.vue")),
  page("accounts", "账号管理", () => import("./Accounts.vue")),
  page("periods", "月份关账", () => import("./Periods.vue")),
  page("publishing", "发布年度数据", () => import("./Publishing.vue")),
];
