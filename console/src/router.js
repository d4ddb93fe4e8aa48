// The console's pages: the login and the password change outside the shell, the rest in
// it, each with the roles that may open it (meta.roles) and whether the menu lists it.
import { createRouter, createWebHistory } from "vue-router";
import { session } from "./api.js";
import { adminRoutes } from "./admin/routes.js";
import { CONSOLE_ROLES, FIELD_APP, mayOpen } from "./roles.js";
import { openingReads, readEarly, yearOf } from "./dashboard/data.js";
import Shell from "./views/Shell.vue";
import Login from "./views/Login.vue";

const FIGURE_READERS = ["leader", "admin"];

const Dashboard = () => import("./dashboard/Dashboard.vue");

export const shellRoutes = [
  {
    path: "dashboard",
    name: "dashboard",
    component: Dashboard,
    meta: { title: "领导驾驶舱", menu: true, roles: FIGURE_READERS, icon: "DataAnalysis" },
    // Its script asked for, then its figures (data.js), then ECharts, all now: they travel
    // while the page's script is read and its components mount, not after.
    beforeEnter: (to) => {
      Dashboard();
      readEarly(openingReads(yearOf(to.query)));
      import("./dashboard/canvas.js");
    },
  },
  ...adminRoutes,
];

const routes = [
  { path: "/login", name: "login", component: Login, meta: { public: true, title: "登录" } },
  {
    path: "/password",
    name: "password",
    component: () => import("./views/ChangePassword.vue"),
    meta: { title: "修改密码" },
  },
  {
    path: "/",
    component: Shell,
    children: [
      { path: "", redirect: { name: "dashboard" } },
      ...shellRoutes,
      {
        path: ":unknown(.*)*",
        name: "not-found",
        component: () => import("./views/NotFound.vue"),
        meta: { title: "页面不存在" },
      },
    ],
  },
];

export const router = createRouter({ history: createWebHistory("/console/"), routes });

router.beforeEach((to) => {
  const account = session.account;
  if (to.meta.public) return account && !account.must_change_password ? { name: "dashboard" } : true;
  if (!account) return { name: "login", query: to.fullPath === "/" ? {} : { next: to.fullPath } };
  if (!CONSOLE_ROLES.includes(account.role)) {
    window.location.assign(FIELD_APP);
    return false;
  }
  if (account.must_change_password && to.name !== "password") return { name: "password", query: { next: to.fullPath } };
  if (!to.matched.every((record) => mayOpen(record, account.role))) {
    return { name: "dashboard", query: { refused: to.fullPath } };
  }
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title || "管理台"} · 墨玉县普法工作管理台`;
});
