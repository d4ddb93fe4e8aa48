"""Messages a client may show, in the caller's language: Chinese (zh-CN) unless the
request asks for English (`Accept-Language: en`).

The code writes its messages in English, as a programmer reads them in a test or a log;
the error handler and the batch answers put every message through `localise` on the way
out. A message is translated whole (EXACT) or by its shape (PATTERNS, for messages that
carry a value). A message with no Chinese is answered in English and noted in
UNTRANSLATED: the test suite fails on any it met, so a new message cannot slip through.
The `code` of an error never changes: clients key on it.
"""

import re

from flask import has_request_context, request

# Kinds of records and scopes as they appear in messages ("There is no activity ...").
NOUNS = {
    "activity": "活动",
    "checkin": "签到",
    "consultation": "咨询",
    "advisor": "法律顾问",
    "village": "村(社区)",
    "township": "乡镇",
    "assignment": "派驻",
    "account": "账号",
    "advisor_id": "法律顾问",
    "period": "月份",
    "publication": "发布的数据,年份",
}

EXACT = {
    # marshmallow's own
    "Missing data for required field.": "必填。",
    "Field may not be null.": "不能为空。",
    "Invalid input.": "输入无效。",
    "Invalid input type.": "输入的类型不对,请发送 JSON 对象。",
    "Invalid type.": "类型不对。",
    "Invalid value.": "取值无效。",
    "Unknown field.": "没有这个字段,请检查拼写。",
    "Not a valid boolean.": "须为 true 或 false。",
    "Not a valid date.": "不是有效日期,请用 YYYY-MM-DD。",
    "Not a valid integer.": "须为整数。",
    "Not a valid list.": "须为列表。",
    "Not a valid mapping type.": "须为对象。",
    "Not a valid number.": "须为数字。",
    "Not a valid string.": "须为文字。",
    "Not a valid utf-8 string.": "不是有效的 UTF-8 文字。",
    "Not a valid UUID.": "不是有效的 UUID。",
    "Not a valid email address.": "不是有效的电子邮箱。",
    "Number too large.": "数字太大。",
    "String does not match expected pattern.": "格式不对。",
    "Special numeric values (nan or infinity) are not permitted.": "不允许 NaN 或无穷大。",
    # what a request may carry (shared/input_schema.py)
    "Is not valid Unicode text (a lone surrogate, as from an emoji cut in half).": (
        "不是有效的 Unicode 文字(可能是被截断的表情符号),请删去后重试。"
    ),
    # the shape of every error and its defaults
    "An unexpected error occurred; it has been logged.": "系统出错,已记录,请稍后再试。",
    "The request is not valid.": "请求无效。",
    "The request body is not valid JSON.": "请求内容不是有效的 JSON。",
    "The body is nested too deeply.": "请求内容嵌套过深。",
    "There is nothing at this address.": "该地址不存在。",
    "This method is not allowed here.": "该地址不支持此操作。",
    "The request body is too large.": "请求内容太大。",
    "Too many rows.": "行数太多。",
    "Too many columns.": "列数太多。",
    "The address is too long.": "请求地址太长。",
    "The request headers are too large.": "请求头太大。",
    "Send JSON (Content-Type: application/json).": "请以 JSON 发送。",
    "Too many requests; wait before trying again.": "请求过于频繁,请稍后再试。",
    "Send a JSON object.": "请发送 JSON 对象。",
    "Invalid JSON body.": "请求内容不是有效的 JSON。",
    "This conflicts with what is stored; reload and try again.": "与已保存的数据冲突,请刷新。",
    # tokens, roles, accounts
    "A bearer access token is required.": "请先登录。",
    "The access token has expired.": "登录已过期,请重新登录。",
    "The access token is not valid.": "登录凭证无效,请重新登录。",
    "The access token carries an unknown role.": "登录凭证中的角色无效,请重新登录。",
    "Your role may not do this.": "您的角色无权进行此操作。",
    "This account is disabled.": "该账号已停用,请联系县司法局。",
    "This account is not known.": "该账号不存在,请重新登录。",
    "This session has ended; log in again.": "本次登录已结束,请重新登录。",
    "Change your password before doing anything else.": "请先修改密码。",
    "The current password is wrong.": "当前密码不对。",
    "The new password is not acceptable.": "新密码不符合要求。",
    "Must not contain the username.": "不能包含用户名。",
    "Is wrong.": "不正确。",
    "Too many failed logins; wait before trying again.": "登录失败次数过多,请稍后再试。",
    "The username or password is wrong.": "用户名或密码不对。",
    "The refresh token is not valid.": "刷新凭证无效,请重新登录。",
    "The refresh token was already used; log in again.": "刷新凭证已被使用过,请重新登录。",
    "The refresh token has expired; log in again.": "刷新凭证已过期,请重新登录。",
    "Required for this grant_type.": "此登录方式必填。",
    "Use 3 to 64 letters, digits or _ . @ + - (or a phone).": (
        "用户名须为 3 到 64 位字母、数字或 _ . @ + -(或手机号)。"
    ),
    # records
    "Not valid.": "无效。",
    "The cursor is not valid.": "分页游标无效,请从第一页重新读取。",
    "The database is busy; try again.": "数据库繁忙,请稍后重试。",
    "The database cannot be reached; try again shortly.": "数据库暂时无法连接,请稍后重试。",
    "The account's standing cannot be checked now; try again shortly.": (
        "暂时无法核实账号状态,请稍后重试。"
    ),
    "The end is before the start.": "结束时间早于开始时间。",
    "Before valid_from.": "早于起始日期。",
    "Must not be after `date`.": "不能晚于 date。",
    "The field app is not built: run `make install`.": "手机端尚未构建,请运行 make install。",
    "The console is not built: run `make install`.": "管理台尚未构建,请运行 make install。",
    "One or more of the choices you made was not in the list.": "所选内容中有不在列表中的项。",
    "Is in the future.": "不能晚于现在。",
    "No such village in this township.": "该乡镇没有这个村(社区)。",
    "No such township in the registry.": "登记册中没有这个乡镇。",
    "No such village in the registry.": "登记册中没有这个村(社区)。",
    "No such activity.": "没有这个活动,请先上传活动。",
    "The activity was voided.": "该活动已作废。",
    "Must not be before starts_at.": "不能早于开始时间。",
    "Must be an object with the record.": "须为含记录内容的对象。",
    "Outside your township.": "不在您所在的乡镇。",
    "This person already checked in.": "此人已签到。",
    "This consultation was recorded by another advisor.": "这条咨询是另一位法律顾问登记的。",
    "Only a consultation referred to mediation can be mediated.": (
        "只有“转人民调解”的咨询才能登记调解结果。"
    ),
    "Must be 18 characters: 17 digits and a check digit or X.": (
        "身份证号须为 18 位:17 位数字加 1 位校验码(数字或 X)。"
    ),
    "The check digit is wrong.": "校验码不对,请核对身份证号。",
    "The date of birth in it is not a date.": "身份证号中的出生日期无效。",
    "Not a phone number.": "不是有效的手机或电话号码。",
    "Must be a 9-digit division code.": "须为 9 位乡镇区划代码。",
    "Must be a 12-digit division code.": "须为 12 位村(社区)区划代码。",
    "Must be a 17-digit practising-licence number (执业证号).": "须为 17 位执业证号。",
    # registry sheets
    "Send a .csv or .xlsx file.": "请上传 .csv 或 .xlsx 文件。",
    "Use .csv or .xlsx.": "请使用 .csv 或 .xlsx 文件。",
    "The CSV file is not UTF-8.": "CSV 文件不是 UTF-8 编码,请另存为 UTF-8 后再上传。",
    "Not UTF-8.": "不是 UTF-8 编码。",
    "The file is empty.": "文件是空的。",
    "Empty.": "为空。",
    "Unreadable.": "无法读取。",
    "Unknown column.": "不认识的列。",
    "Missing column.": "缺少这一列。",
    "Missing value.": "缺少数据。",
    "No advisor with this licence in the registry.": "登记册中没有这个执业证号的法律顾问。",
    "The file is not a readable XLSX workbook.": "不是可读取的 XLSX 工作簿。",
    "The assignment names something that does not exist.": "派驻中的村(社区)或法律顾问不存在。",
    "Missing date.": "缺少日期。",
    "Not a date (YYYY-MM-DD).": "不是有效日期,请用 YYYY-MM-DD。",
    "Not a mobile number.": "不是有效的手机号。",
    "Name at least one language.": "至少填写一种语言。",
    "Must be a 17-digit practising-licence number.": "须为 17 位执业证号。",
    "Must begin with its township's code.": "须以所属乡镇的代码开头。",
    "Use 是 or 否.": "请填“是”或“否”。",
    # reporting periods
    "The exception would end before it begins.": "例外的截止时间须晚于现在。",
    "Must be later than now.": "须晚于现在。",
    # figures
    "The figures are being rebuilt; try again shortly.": "数据正在重新汇总,请稍后再试。",
    "Use YYYY, YYYY-MM or YYYY-MM-DD, a date that exists.": (
        "请用 YYYY、YYYY-MM 或 YYYY-MM-DD,且须为存在的日期。"
    ),
    "Use YYYY.": "请用四位年份 YYYY。",
    "The figures do not keep this grain. Kept: the county and townships by year, month"
    " and day, by every breakdown and by the areas below them; villages by year and month,"
    " totals only, and consultations by category.": (
        "没有保存这一口径的数据。已保存的:全县和乡镇按年、月、日,可按各分类及下级地区细分;"
        "村(社区)按年、月,仅合计,法律咨询另按类别。"
    ),
    "Not a finer area.": "不是下级地区。",
    "A village keeps totals only.": "村(社区)只保存合计。",
    "A township keeps totals only.": "乡镇只保存合计。",
    "Unknown grouping columns.": "不认识的分组列。",
    "This feed has no aggregate; replay it from the start.": "该变更流没有汇总,请从头重放。",
    "This path is not part of the public API.": "该路径不对外开放。",
    "The year was published by someone else at the same moment; reload.": (
        "同一时刻另有人发布了该年数据,请刷新后查看。"
    ),
}

PATTERNS = [
    (r"Not valid: (.+)\.", "以下内容有误:{0}。"),
    (r"Length must be between (\d+) and (\d+)\.", "长度须在 {0} 到 {1} 之间。"),
    (r"Length must be (\d+)\.", "长度须为 {0}。"),
    (r"Longer than maximum length (\d+)\.", "长度不能超过 {0}。"),
    (r"Shorter than minimum length (\d+)\.", "长度不能少于 {0}。"),
    (r"Must be one of: (.*)\.", "须为以下之一:{0}。"),
    (r"One or more of the choices you made was not in: (.*)\.", "所选内容须在以下之中:{0}。"),
    (r"Not a valid (tuple|URL|IP address|IPv4 address|IPv6 address)\.", "格式不对。"),
    (
        r"Must be greater than or equal to (.+) and less than or equal to (.+)\.",
        "须在 {0} 到 {1} 之间。",
    ),
    (r"Must be greater than or equal to (.+) and less than (.+)\.", "须不小于 {0} 且小于 {1}。"),
    (r"Must be greater than or equal to (.+)\.", "须不小于 {0}。"),
    (r"Must be less than or equal to (.+)\.", "须不大于 {0}。"),
    (r"Must be greater than (.+)\.", "须大于 {0}。"),
    (r"Must be less than (.+)\.", "须小于 {0}。"),
    (r"Not a valid aware datetime\.", "须为带时区的时间,如 2024-03-04T10:00:00+08:00。"),
    (
        r"Not a valid (?:naive )?datetime\.",
        "不是有效时间,请用 RFC 3339,如 2024-03-04T10:00:00+08:00。",
    ),
    (r"Not a valid time\.", "不是有效时间。"),
    (r"\"(.*)\" cannot be formatted as a (.+)\.", "“{0}”无法按要求格式化。"),
    (r"Must be in the years (\d+) to (\d+)\.", "须在 {0} 年到 {1} 年之间。"),
    (r"Some fields are not valid: (.+)", "以下字段有误:{0}。"),
    (r"Too many requests \((.+)\); wait before trying again\.", "请求过于频繁({0}),请稍后再试。"),
    (r"Must be at least (\d+) characters long\.", "至少 {0} 个字符。"),
    (r"Must name (\S+)\.", "须指定{noun0}。"),
    (r"(\S+) does not apply to this role\.", "该角色不适用 {0}。"),
    (r"Also on row (\d+)\.", "与第 {0} 行重复。"),
    (r"No column (\S+) to group by\.", "没有可分组的列 {0}。"),
    (r"The assignment clashes: (.+)\.", "派驻冲突:{clashes0}。"),
    (
        r"The reporting period (\S+) is closed; records dated in it need an exception granted"
        r" by an admin\.",
        "{0} 月已关账,请联系县司法局开放例外。",
    ),
    (
        r"Advisor (\S+) did not serve village (\S+) on (\S+)\.",
        "{2} 当天法律顾问 {0} 未派驻村(社区){1}。",
    ),
    (r"Licence (\S+) is already registered\.", "执业证号 {0} 已登记。"),
    (r"Unknown language '(.+)'\.", "不认识的语言“{0}”。"),
    (r"Advisor (\S+) is not active\.", "法律顾问 {0} 已不在职。"),
    (r"Unknown table '(.+)'; use one of (.+)\.", "没有表格“{0}”,可用:{1}。"),
    (
        r"Advisor (\S+) was changed meanwhile \(version (\d+)\); reload it\.",
        "法律顾问 {0} 已被他人修改(现为第 {1} 版),请刷新后再改。",
    ),
    (r"Assignment (\S+) already ended on (\S+)\.", "派驻 {0} 已于 {1} 结束。"),
    (r"Nothing was stored: fix rows (.+)\.", "未保存任何数据,请修改以下各行:{0}。"),
    (r"(\d+) more problems not listed\.", "另有 {0} 处问题未列出。"),
    (
        r"The file is too large for a registry sheet: at most (\S+) rows and (\d+) columns\.",
        "文件太大,不像名册表格:最多 {0} 行、{1} 列。",
    ),
    (
        r"Record (\S+) already exists with other content; it was not overwritten\.",
        "记录 {0} 已存在且内容不同,未覆盖。",
    ),
    (
        r"The record changed meanwhile \(now version (\d+)\); reload and try again\.",
        "记录已被他人修改(现为第 {0} 版),请刷新后重试。",
    ),
    (r"The username '(.+)' is already taken\.", "用户名“{0}”已被使用。"),
    (r"The (\S+) service answered (\d+); try again shortly\.", "{0} 服务暂时不可用,请稍后再试。"),
    (r"The (\S+) service did not answer in time\.", "{0} 服务未能及时答复,请稍后再试。"),
    (r"The (\S+) service .+; try again shortly\.", "{0} 服务暂时无法访问,请稍后再试。"),
    (r"There is no job (\S+)\.", "没有任务 {0}。"),
    (r"There is no service called '(.+)'\.", "没有名为“{0}”的服务。"),
    (r"There is no (\S+) (\S+)\.", "没有{noun0} {1}。"),
    (r"This is outside your (\S+)\.", "超出您的范围({noun0})。"),
    (r"(\S+) (\S+) was voided; it cannot change\.", "{noun0} {1} 已作废,不能再修改。"),
    (r"(\S+) cannot be broken down by (\S+); it can by (.+)\.", "{0} 不能按 {1} 细分;可用:{2}。"),
    (r"No (\S+)s are kept of a (\S+)\.", "{noun1}的数据不按{period0}保存。"),
    (r"No (\S+)s are kept by (\S+)\.", "按{noun1}细分的数据不按{period0}保存。"),
]
# DOTALL: what a client sent (a field name, a value) may hold a line break.
_PATTERNS = [(re.compile(pattern, re.DOTALL), chinese) for pattern, chinese in PATTERNS]
_PERIODS = {"day": "日", "month": "月", "year": "年"}
_CJK = re.compile("[\u4e00-\u9fff]")
# Messages answered with no Chinese this process met: the test suite fails on any.
UNTRANSLATED = set()


_CLASH = re.compile(
    r"village (\S+) \((.+?)\) is served by advisor (\S+) \((.+?)\) from (\S+) to (\S+)"
    r" \(assignment (\S+)\)"
)


def _clashes(text):
    """The assignments an assignment clashes with, in Chinese."""

    def one(found):
        village, village_name, advisor, advisor_name, start, end, number = found.groups()
        end = "长期" if end == "open-ended" else end
        return (
            f"{village_name}({village})已由法律顾问{advisor_name}(编号 {advisor})派驻"
            f"({start} 至 {end},派驻记录 {number})"
        )

    return _CLASH.sub(one, text).replace("; ", ";")


def wants_english():
    """Whether the request being served asks for English."""
    if not has_request_context():
        return False
    return request.accept_languages.best_match(["zh", "en"], default="zh") == "en"


def _chinese(text):
    if text in EXACT:
        return EXACT[text]
    for pattern, chinese in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            values = found.groups()
            named = {f"noun{i}": NOUNS.get(v, v) for i, v in enumerate(values)}
            named |= {f"period{i}": _PERIODS.get(v, v) for i, v in enumerate(values)}
            named |= {f"clashes{i}": _clashes(v) for i, v in enumerate(values)}
            return chinese.format(*values, **named)
    if not _CJK.search(text):
        UNTRANSLATED.add(text)
    return text


def localise(value, english=None):
    """`value` (a message, or lists and dicts of them) in the caller's language."""
    if english is None:
        english = wants_english()
    if isinstance(value, str):
        return value if english else _chinese(value)
    if isinstance(value, list | tuple):
        return [localise(item, english) for item in value]
    if isinstance(value, dict):
        return {key: localise(item, english) for key, item in value.items()}
    return value
