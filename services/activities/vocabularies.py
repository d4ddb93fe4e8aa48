"""The managed lists of the activities service (served at GET /vocabularies)."""

CADRE_STUDY = "法治讲堂·逢九必讲"
ONLINE = "新媒体普法"

TYPES = (
    "法润巴扎", "法治进校园", "法治进企业", "国旗下普法", CADRE_STUDY, "会前学法",
    "执法人员培训", "法治体检", "宪法宣传", ONLINE, "其他",
)  # fmt: skip

# 谁执法谁普法: the department that organised it.
ORGANISERS = (
    "司法局", "公安局", "法院", "检察院", "市场监管局", "税务局", "教育局", "人社局",
    "自然资源局", "农业农村局", "卫健委", "生态环境局", "乡镇人民政府", "其他",
)  # fmt: skip

AUDIENCES = ("public", "students", "enterprises", "cadres", "enforcement_staff")
LANGUAGES = ("ug", "zh", "kk", "ky", "ru", "en")
