"""The demo data set: 苏宿工业园区, its "1+5" alliance, and the records behind the
article's report card. Later issues extend it until every figure is reproduced.

Names and facts come from ``shared/domain/source-article.zh.txt``; enterprise
names not in the article are invented but realistic.
"""

DEMO_PASSWORD = "ParkOps-Demo-2026"

MAIN_PARK = {"code": "sszy", "name": "苏宿工业园区", "short_name": "苏宿园区", "region": "321300"}
PARTNER_PARKS = [
    {"code": "ksgx", "name": "昆沭高新技术产业园", "short_name": "昆沭园", "region": "321322"},
    {"code": "wjsy", "name": "吴江泗阳工业园", "short_name": "吴江泗阳园", "region": "321323"},
    {"code": "cssh", "name": "常熟泗洪工业园", "short_name": "常熟泗洪园", "region": "321324"},
    {"code": "zjgsy", "name": "张家港宿豫工业园", "short_name": "张家港宿豫园", "region": "321311"},
    {"code": "wzsc", "name": "吴中宿城工业园", "short_name": "吴中宿城园", "region": "321302"},
]
ALLIANCE_NAME = "“1+5”共建园区联动发展联盟"

# Leading industry → chains → segments (MECHANISMS.md §1: three leading industries).
INDUSTRIES = [
    (
        "EI",
        "电子信息",
        [
            ("EI-IC", "集成电路", [("EI-IC-D", "芯片设计"), ("EI-IC-P", "封装测试")]),
            ("EI-DP", "新型显示", [("EI-DP-P", "显示面板"), ("EI-DP-M", "显示模组")]),
            ("EI-CP", "电子元器件", [("EI-CP-P", "被动元件"), ("EI-CP-C", "连接器与线束")]),
            ("EI-ST", "智能终端", [("EI-ST-W", "可穿戴设备")]),
        ],
    ),
    (
        "PM",
        "精密机械",
        [
            ("PM-HE", "高端装备", [("PM-HE-C", "数控机床"), ("PM-HE-R", "工业机器人")]),
            ("PM-PP", "精密零部件", [("PM-PP-C", "精密铸锻件"), ("PM-PP-B", "轴承与传动件")]),
            ("PM-AP", "汽车零部件", [("PM-AP-E", "新能源汽车零部件")]),
            ("PM-MC", "船舶海工配套", [("PM-MC-A", "锚链与系泊设备")]),
        ],
    ),
    (
        "NE",
        "新能源新材料",
        [
            ("NE-PV", "光伏", [("NE-PV-C", "电池片"), ("NE-PV-M", "组件")]),
            ("NE-ES", "储能与氢能", [("NE-ES-B", "储能电池"), ("NE-ES-H", "氢能制备与储存")]),
            ("NE-NM", "新材料", [("NE-NM-D", "超硬材料（金刚石）"), ("NE-NM-P", "功能高分子材料")]),
        ],
    ),
]

# The "14312" promotion structure: 1 office, 4 bureaus, 3 regional centres, 12 teams.
OFFICE = ("ZSB", "招商办")
BUREAUS = [
    ("FJ-EI", "电子信息产业招商分局"),
    ("FJ-PM", "精密机械产业招商分局"),
    ("FJ-NE", "新能源新材料产业招商分局"),
    ("FJ-MS", "现代服务业招商分局"),
]
REGIONAL_CENTRES = [
    ("ZX-SH", "上海区域招商中心"),
    ("ZX-SZ", "深圳区域招商中心"),
    ("ZX-SUZ", "苏州区域招商中心"),
]
DEPT_TEAMS = [
    ("XFD-01", "党政办公室招商小分队"),
    ("XFD-02", "经济发展局招商小分队"),
    ("XFD-03", "财政局招商小分队"),
    ("XFD-04", "规划建设局招商小分队"),
    ("XFD-05", "科技局招商小分队"),
    ("XFD-06", "人力资源和社会保障局招商小分队"),
    ("XFD-07", "商务局招商小分队"),
    ("XFD-08", "政务服务办招商小分队"),
    ("XFD-09", "社会事业局招商小分队"),
    ("XFD-10", "综合执法局招商小分队"),
    ("XFD-11", "生态环境分局招商小分队"),
    ("XFD-12", "园区国有公司招商小分队"),
]

# Enterprises named in the article, then invented ones; (name, segment code,
# status, above-scale, region of registration).
NAMED_ENTERPRISES = [
    ("聚成科技（宿迁）有限公司", "NE-NM-D", "settled", True, "321300"),
    ("江苏聚成金刚石科技有限公司", "NE-NM-D", "settled", True, "321300"),
    ("中运锚链（宿迁）有限公司", "PM-MC-A", "settled", True, "321300"),
    ("宿迁智慧信息产业园发展有限公司", "EI-ST-W", "settled", False, "321300"),
    ("聚申元新材料（苏州）有限公司", "NE-NM-P", "prospect", False, "320506"),
    ("印势新材料科技（苏州）有限公司", "NE-NM-P", "prospect", False, "320505"),
    ("苏州大学天宫产业园管理有限公司", "EI-IC-D", "prospect", False, "320508"),
    ("江苏苏大天宫创业投资管理有限公司", "EI-IC-D", "settled", False, "321300"),
]

NAME_HEADS = [
    "苏宿",
    "宿迁",
    "苏州",
    "昆山",
    "常熟",
    "张家港",
    "吴江",
    "吴中",
    "泗阳",
    "泗洪",
    "沭阳",
    "宿豫",
    "骆马湖",
    "运河",
    "洪泽",
    "新宿",
    "恒通",
    "华芯",
    "瑞联",
    "博远",
]
NAME_CORES = {
    "EI": ["芯微电子", "光电科技", "精密电子", "智能科技", "半导体", "显示技术", "电子元件"],
    "PM": ["精密机械", "智能装备", "传动科技", "汽车部件", "数控设备", "机器人"],
    "NE": ["新能源", "光伏科技", "储能科技", "氢能科技", "新材料", "高分子材料"],
}
SETTLED_REGION = "321300"
PROSPECT_REGIONS = [
    "320505",
    "320506",
    "320507",
    "320508",
    "320509",
    "320583",
    "320581",
    "310115",
    "440305",
]

# (username, full name, role, park code or None, alliance?, promotion unit code)
DEMO_USERS = [
    ("leader", "李园长", "park_leader", "sszy", None),
    ("promoter", "王招商", "promotion_officer", "sszy", "FJ-EI"),
    ("project", "赵项目", "project_officer", "sszy", None),
    ("service", "钱专员", "service_officer", "sszy", None),
    ("stats", "孙统计", "statistics_officer", "sszy", None),
    ("finance", "周财政", "finance_officer", "sszy", None),
    ("planning", "吴规划", "planning_officer", "sszy", None),
    ("labour", "郑人社", "labour_officer", "sszy", None),
    ("parkadmin", "冯管理", "park_admin", "sszy", None),
    ("partner", "陈伙伴", "promotion_officer", "wzsc", None),
    ("alliance", "褚联盟", "alliance_viewer", "alliance", None),
    ("coordinator", "卫协调", "alliance_coordinator", "alliance", None),
    ("province", "蒋省考", "province_assessor", None, None),
    ("sysadmin", "沈系统", "system_admin", None, None),
    ("secadmin", "韩安全", "security_admin", None, None),
    ("auditor", "杨审计", "audit_admin", None, None),
]
# A second park for the leader, so that the park switcher has something to do.
EXTRA_MEMBERSHIPS = [("leader", "park_leader", "wzsc"), ("promoter", "promotion_officer", "wzsc")]

# Contacts of the named enterprises: (enterprise, name, title, phone). Invented.
CONTACTS = [
    ("聚成科技（宿迁）有限公司", "张伟", "总经理", "13815270001"),
    ("聚成科技（宿迁）有限公司", "刘洋", "行政主管", "0527-84301234"),
    ("中运锚链（宿迁）有限公司", "陈静", "副总经理", "13905270002"),
    ("江苏聚成金刚石科技有限公司", "杨帆", "项目经理", "18915270003"),
]
# Demo users who may see full personal numbers (ROLES.md: on top of the role).
PERSONAL_DATA_USERS = ["leader", "service"]

# ------------------------------------------------------------------ promotion
# The article (§1): "累计拜访企业300余家，对接各类行业机构30余家" in H1 2023.
# The demo reproduces MECHANISMS.md's figure table with these exact values.
VISITED_ENTERPRISES_2023_H1 = 312
ENGAGED_INSTITUTIONS_2023_H1 = 34
# The same half of 2022, for comparison.
VISITED_ENTERPRISES_2022_H1 = 188
ENGAGED_INSTITUTIONS_2022_H1 = 21

# Promotion officers who log the visits: (username, full name, park, unit code).
# Partner parks get one promotion office each, headed by their officer.
PROMOTION_STAFF = [
    ("zs_ei2", "许电子", "sszy", "FJ-EI"),
    ("zs_pm", "何精机", "sszy", "FJ-PM"),
    ("zs_ne", "吕新材", "sszy", "FJ-NE"),
    ("zs_ms", "施服务", "sszy", "FJ-MS"),
    ("zs_sh", "张沪", "sszy", "ZX-SH"),
    ("zs_sz", "孔深", "sszy", "ZX-SZ"),
    ("zs_suz", "曹苏", "sszy", "ZX-SUZ"),
    ("zs_ksgx", "严昆沭", "ksgx", "ZSJ"),
    ("zs_wjsy", "华吴江", "wjsy", "ZSJ"),
    ("zs_cssh", "金常熟", "cssh", "ZSJ"),
    ("zs_zjgsy", "魏张家港", "zjgsy", "ZSJ"),
    ("partner", "陈伙伴", "wzsc", "ZSJ"),
]
PARTNER_OFFICE = ("ZSJ", "招商局")

# Where prospects courted by visits come from (none of NAME_HEADS: names stay
# apart from the settled enterprises').
TARGET_CITIES = [
    ("上海", "310115"),
    ("深圳", "440305"),
    ("无锡", "320214"),
    ("南京", "320115"),
    ("杭州", "330106"),
    ("合肥", "340104"),
    ("东莞", "441900"),
    ("宁波", "330212"),
    ("常州", "320411"),
    ("嘉兴", "330402"),
    ("广州", "440106"),
    ("厦门", "350203"),
]
TARGET_FORMS = ["有限公司", "股份有限公司", "集团有限公司"]

# Institutions (行业机构): (name, kind, region code). Invented but realistic.
INSTITUTIONS = [
    ("江苏省半导体行业协会", "association", "320100"),
    ("苏州市集成电路行业协会", "association", "320500"),
    ("上海市电子元件行业协会", "association", "310000"),
    ("深圳市新型显示产业协会", "association", "440300"),
    ("江苏省机械行业协会", "association", "320100"),
    ("苏州市机器人产业协会", "association", "320500"),
    ("江苏省光伏产业协会", "association", "320100"),
    ("江苏省储能行业协会", "association", "320100"),
    ("中国超硬材料行业协会", "association", "410100"),
    ("江苏省新材料产业协会", "association", "320100"),
    ("苏州市宿迁商会", "chamber", "320500"),
    ("上海市江苏商会", "chamber", "310000"),
    ("深圳市江苏商会", "chamber", "440300"),
    ("中国日本商会", "chamber", "110000"),
    ("新加坡中华总商会", "chamber", ""),
    ("昆山台商协会", "chamber", "320583"),
    ("苏州工业园区企业发展服务中心", "intermediary", "320500"),
    ("仲量联行（苏州）产业地产顾问", "intermediary", "320500"),
    ("世邦魏理仕苏州分公司", "intermediary", "320500"),
    ("戴德梁行江苏工业地产部", "intermediary", "320100"),
    ("江苏省技术产权交易所", "intermediary", "320100"),
    ("南京大学苏州校区产业研究院", "research", "320500"),
    ("苏州大学技术转移中心", "research", "320500"),
    ("中科院苏州纳米技术与纳米仿生研究所", "research", "320500"),
    ("东南大学无锡分校", "research", "320200"),
    ("江苏省产业技术研究院", "research", "320100"),
    ("上海交通大学先进产业技术研究院", "research", "310000"),
    ("苏州市商务局", "government", "320500"),
    ("苏州工业园区投资促进委员会", "government", "320500"),
    ("江苏省商务厅外资处", "government", "320100"),
    ("日本贸易振兴机构上海代表处", "government", "310000"),
    ("新加坡经济发展局上海办事处", "government", "310000"),
    ("元禾控股", "fund", "320500"),
    ("苏州创新投资集团", "fund", "320500"),
    ("江苏高投集团", "fund", "320100"),
    ("深创投华东基金", "fund", "440300"),
    ("国投创合基金", "fund", "110000"),
    ("宿迁产业发展基金", "fund", "321300"),
    ("毅达资本", "fund", "320100"),
    ("中金资本长三角基金", "fund", "310000"),
]
VISIT_PURPOSES = [
    "产业链招商对接",
    "项目投资意向洽谈",
    "考察企业生产经营情况",
    "介绍园区政策与载体",
    "商谈扩产项目选址",
    "回访在谈项目进展",
]
VISIT_OUTCOMES = [
    "企业有在苏北布局产能意向，约定再次对接",
    "已提供园区载体资料，企业内部评估中",
    "初步达成合作意向",
    "暂无投资计划，保持联系",
    "推荐上下游配套企业两家",
]

# ------------------------------------------------------------ promotion events
# 招商活动 of 苏宿工业园区: (ref, name, kind, first day, last day, city, country,
# organising unit, participants' usernames, partner parks' codes). Invented but
# realistic; the 6th China International Import Expo's dates are its own.
MAIN_EVENTS = [
    (
        "HD-sszy-2022-01",
        "苏宿园区新能源新材料产业（上海）招商推介会",
        "roadshow",
        "2022-07-15",
        "2022-07-15",
        "上海",
        "中国",
        "FJ-NE",
        ["zs_ne", "zs_sh"],
        [],
    ),
    (
        "HD-sszy-2022-02",
        "2022世界智能制造大会",
        "fair",
        "2022-12-08",
        "2022-12-10",
        "南京",
        "中国",
        "FJ-PM",
        ["zs_pm"],
        [],
    ),
    (
        "HD-sszy-2023-01",
        "苏宿园区电子信息产业（深圳）招商推介会",
        "roadshow",
        "2023-03-16",
        "2023-03-16",
        "深圳",
        "中国",
        "FJ-EI",
        ["promoter", "zs_ei2", "zs_sz"],
        [],
    ),
    (
        "HD-sszy-2023-02",
        "“1+5”共建园区联合招商推介会（苏州）",
        "joint",
        "2023-04-20",
        "2023-04-20",
        "苏州",
        "中国",
        "ZSB",
        ["promoter", "zs_suz", "zs_ms"],
        ["ksgx", "wjsy", "cssh", "zjgsy", "wzsc"],
    ),
    (
        "HD-sszy-2023-03",
        "赴日本、新加坡招商推介活动",
        "overseas",
        "2023-05-14",
        "2023-05-21",
        "东京、大阪、新加坡",
        "日本、新加坡",
        "ZSB",
        ["promoter", "zs_ei2", "zs_ne", "zs_pm"],
        [],
    ),
    (
        "HD-sszy-2023-04",
        "2023长三角新能源产业发展论坛",
        "conference",
        "2023-06-09",
        "2023-06-10",
        "上海",
        "中国",
        "FJ-NE",
        ["zs_ne"],
        [],
    ),
    (
        "HD-sszy-2023-05",
        "第六届中国国际进口博览会",
        "fair",
        "2023-11-05",
        "2023-11-10",
        "上海",
        "中国",
        "ZSB",
        ["promoter", "zs_sh"],
        [],
    ),
]
TRIP_REF = "HD-sszy-2023-03"
TRIP_DESCRIPTION = (
    "园区招商代表团赴日本东京、大阪和新加坡，举办园区投资环境推介会，"
    "走访电子信息、精密机械和新能源新材料领域企业及投资促进机构。"
)
TRIP_OUTCOME = "对接企业十家，其中三家有意向在园区设立生产基地，约定下半年来园考察。"
# Enterprises met on the trip that the park had not met before: foreign
# prospects, registered abroad (no credit code). (name, segment code)
TRIP_PROSPECTS = [
    ("东洋精密电子株式会社", "EI-CP-P"),
    ("关西精工机械株式会社", "PM-HE-C"),
    ("名古屋传动部件株式会社", "PM-PP-B"),
    ("大阪先端材料工业株式会社", "NE-NM-P"),
    ("新加坡星联半导体私人有限公司", "EI-IC-P"),
    ("狮城新能源科技私人有限公司", "NE-ES-B"),
]
# Institutions met on the trip (of INSTITUTIONS).
TRIP_INSTITUTIONS = [
    "日本贸易振兴机构上海代表处",
    "中国日本商会",
    "新加坡经济发展局上海办事处",
    "新加坡中华总商会",
]
# Visits made during the trip: (day, city, country, purpose). They go to
# enterprises (and institutions) the park already visited in H1 2023, so the
# report card's distinct counts stay the article's.
TRIP_VISITS = [
    ("2023-05-15", "东京", "日本", "拜访企业日本研发中心，洽谈在园区布局产能"),
    ("2023-05-16", "东京", "日本", "走访企业日本合作方，推介园区产业配套"),
    ("2023-05-18", "大阪", "日本", "拜访企业关西事业部，商谈扩产项目选址"),
    ("2023-05-20", "新加坡", "新加坡", "拜访企业东南亚区域总部，介绍园区政策与载体"),
]
TRIP_INSTITUTION_VISITS = [
    ("2023-05-17", "东京", "日本", "与投资促进机构座谈，推介园区投资环境"),
    ("2023-05-19", "新加坡", "新加坡", "拜访投资促进机构，共建企业对接渠道"),
]
# Each partner park: a roadshow in its Suzhou partner's city and a fair.
PARTNER_EVENT_CITIES = {
    "ksgx": "昆山",
    "wjsy": "苏州市吴江区",
    "cssh": "常熟",
    "zjgsy": "张家港",
    "wzsc": "苏州市吴中区",
}
