"""Tables the demo data set is drawn from: names, procedures, places around Tam Kỳ.

Kept apart from services.demo so the logic there stays short. Every ward or
commune name here resolves with addresses.find_ward(name, 48); the centres
are approximate, only good enough to put pins on a map near the right place.
"""

# (name as find_ward knows it, approximate centre or None, courier region 0-2)
# Region 0 is the old city of Tam Kỳ, 1 the communes west and north of it,
# 2 those to the south (former Núi Thành district).
WARDS = (
    ("Phường Tam Kỳ", (15.5736, 108.4740), 0),
    ("Phường Bàn Thạch", (15.5790, 108.4990), 0),
    ("Phường Hương Trà", (15.5560, 108.4820), 0),
    ("Phường Quảng Phú", (15.6000, 108.5050), 0),
    ("Xã Phú Ninh", (15.5280, 108.4260), 1),
    ("Xã Tây Hồ", (15.5720, 108.4150), 1),
    ("Xã Chiên Đàn", (15.6220, 108.4410), 1),
    ("Xã Tam Xuân", (15.5080, 108.5530), 2),
    ("Xã Tam Anh", None, 2),
    ("Xã Tam Mỹ", None, 2),
)

# Wards that were part of Thành phố Tam Kỳ before 1 July 2025.
OLD_CITY_WARDS = ("Phường Tam Kỳ", "Phường Bàn Thạch", "Phường Hương Trà", "Phường Quảng Phú")

CITY_STREETS = (
    "Phan Châu Trinh", "Hùng Vương", "Trần Cao Vân", "Huỳnh Thúc Kháng", "Nguyễn Hoàng",
    "Lê Lợi", "Bạch Đằng", "Trần Quý Cáp", "Phan Bội Châu", "Nguyễn Du", "Duy Tân",
    "Tiểu La", "Nguyễn Thái Học", "Trưng Nữ Vương", "Lý Thường Kiệt", "Điện Biên Phủ",
)

VILLAGES = (
    "Đông Tác", "Phú Quý", "An Hà", "Vĩnh Bình", "Trung Đàn", "Khương Mỹ", "Thạnh Mỹ",
    "Long Phú", "Tú Mỹ", "Xuân Quý", "Đại Phú", "Hòa Bình", "An Thọ", "Phước Lộc",
)

FAMILY_NAMES = (
    "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi",
    "Đỗ", "Ngô", "Dương", "Phan", "Trương", "Đoàn",
)
MALE_MIDDLE = ("Văn", "Minh", "Quốc", "Đức", "Hữu", "Công", "Thanh")
MALE_GIVEN = ("Hùng", "Tuấn", "Bảo", "Dũng", "Phúc", "Long", "Nam", "Khoa", "Thắng", "Sơn",
              "Hải", "Trung", "Hiếu", "Tài")
FEMALE_MIDDLE = ("Thị", "Ngọc", "Thu", "Kim", "Mỹ", "Thanh", "Bích")
FEMALE_GIVEN = ("Hoa", "Lan", "Hương", "Mai", "Trang", "Thảo", "Linh", "Nhung", "Hạnh", "Yến",
                "Vân", "Loan", "Dung", "Hằng")

MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "033", "035", "036",
                   "038", "039", "070", "076", "077", "079", "081", "083", "085", "086", "088")

# (procedure, agency fee in đồng). Fees are the demo's, rounded to the few
# amounts the demo uses, not a statement of the current legal fee.
CENTRE_PROCEDURES = (
    ("Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", 50_000),
    ("Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất", 100_000),
    ("Đăng ký biến động quyền sử dụng đất do thay đổi thông tin người sử dụng đất", 50_000),
    ("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", 200_000),
    ("Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp", 100_000),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", 50_000),
)
COMMUNE_PROCEDURES = (
    ("Đăng ký khai sinh", 0),
    ("Đăng ký kết hôn", 0),
    ("Đăng ký khai tử", 0),
    ("Cấp bản sao trích lục hộ tịch", 15_000),
    ("Chứng thực bản sao từ bản chính giấy tờ, văn bản", 15_000),
    ("Cấp Giấy xác nhận tình trạng hôn nhân", 15_000),
    ("Đăng ký thành lập hộ kinh doanh", 100_000),
)

POSTAGE = (18_000, 20_000, 22_000, 25_000, 28_000, 30_000, 35_000)

# Who else may collect a result: relationship, whether they share the
# applicant's family name (a child or sibling does, a spouse usually not),
# and "m"/"f" for the names to draw from.
AUTHORISED_RELATIONSHIPS = (
    ("con trai", True, "m"), ("con gái", True, "f"), ("vợ", False, "f"), ("chồng", False, "m"),
    ("anh trai", True, "m"), ("chị gái", True, "f"), ("em ruột", True, "m"),
)
