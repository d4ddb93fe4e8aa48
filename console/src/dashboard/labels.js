// Chinese names of the coded values records carry (as services/stats/catalogue.py names
// them for the figures), and county time for moments.
export const AUDIENCES = { public: "群众", students: "学生", enterprises: "企业", cadres: "干部", enforcement_staff: "执法人员" };
export const MEDIATION = { success: "调解成功", failure: "调解未成功" };
export const ACTIONS = { create: "录入", update: "更正", void: "作废", mediation: "登记调解结果" };
export const STATUSES = { active: "有效", void: "已作废" };

const COUNTY_TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

export function countyTime(moment) {
  if (!moment) return "";
  const parsed = new Date(moment);
  return Number.isNaN(parsed.getTime()) ? String(moment) : COUNTY_TIME.format(parsed);
}
