// Who uses which client: leaders and admins this console, staff and advisors the field app.
export const CONSOLE_ROLES = ["leader", "admin"];
export const FIELD_APP = "/app/";
export const ROLE_NAMES = {
  admin: "管理员",
  leader: "领导",
  staff: "乡镇工作人员",
  advisor: "村(社区)法律顾问",
};
// The menu's groups, in order; a route's meta.group names one (none: the top level).
export const MENU_GROUPS = { admin: "系统管理" };

export function mayOpen(route, role) {
  const roles = route.meta?.roles;
  return !roles || roles.includes(role);
}
