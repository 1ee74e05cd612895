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

# The catalogue of procedures sent by post, per kind of agency ("centre": the city's public-service
# centre, "commune": a ward's or commune's one-stop shop): (code, name, agency fee in đồng, working
# days, documents as (name, copies, original, required)).
# The codes were recalled from the national database of procedures (Cơ sở dữ liệu quốc gia về thủ
# tục hành chính), not confirmed against dichvucong.gov.vn from here: check them there before
# relying on one. Fees and days follow the national fee circulars as last known (LLTP 200.000 đ,
# driving licence 135.000 đ, residence 20.000 đ, certified copies 2.000 đ a page, extracts 8.000 đ
# a copy); land, building and household-business fees are set by each province: the demo's are
# examples, not Đà Nẵng's current amounts.
CATALOGUE = (
    ("centre", "2.001417", "Cấp Phiếu lý lịch tư pháp số 1 cho công dân Việt Nam", 200_000, 10, (
        ("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP)", 1, True, True),
        ("Bản chụp Căn cước công dân hoặc Hộ chiếu", 1, False, True),
        ("Văn bản ủy quyền (khi ủy quyền làm thủ tục)", 1, True, False),
    )),
    ("centre", "1.002804", "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp", 135_000, 5, (
        ("Đơn đề nghị đổi giấy phép lái xe", 1, True, True),
        ("Bản sao giấy phép lái xe sắp hết hạn", 1, False, True),
        ("Giấy khám sức khỏe của người lái xe do cơ sở y tế có thẩm quyền cấp", 1, True, True),
        ("Bản sao Căn cước công dân hoặc Hộ chiếu", 1, False, True),
    )),
    ("centre", "1.004227", "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
     50_000, 7, (
        ("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 11/ĐK)", 1, True, True),
        ("Bản gốc Giấy chứng nhận đã cấp", 1, True, True),
        ("Bản sao Căn cước công dân của người sử dụng đất", 1, False, True),
    )),
    ("centre", "1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", 75_000, 15, (
        ("Đơn đề nghị cấp giấy phép xây dựng", 1, True, True),
        ("Bản sao giấy tờ chứng minh quyền sử dụng đất", 1, False, True),
        ("Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng)", 2, True, True),
        ("Cam kết bảo đảm an toàn công trình liền kề (khi có)", 1, True, False),
    )),
    ("commune", "1.001193", "Đăng ký khai sinh", 0, 1, (
        ("Tờ khai đăng ký khai sinh", 1, True, True),
        ("Giấy chứng sinh", 1, True, True),
        ("Văn bản ủy quyền có chứng thực (khi ủy quyền đăng ký)", 1, True, False),
    )),
    ("commune", "1.000894", "Đăng ký kết hôn", 0, 1, (
        ("Tờ khai đăng ký kết hôn", 1, True, True),
        ("Giấy xác nhận tình trạng hôn nhân (khi đăng ký ở nơi không thường trú)", 1, True, False),
    )),
    ("commune", "2.000635", "Cấp bản sao trích lục hộ tịch", 8_000, 1, (
        ("Tờ khai cấp bản sao trích lục hộ tịch", 1, True, True),
        ("Văn bản ủy quyền (khi ủy quyền yêu cầu)", 1, True, False),
    )),
    ("commune", "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", 2_000, 1, (
        ("Bản chính giấy tờ, văn bản cần chứng thực bản sao", 1, True, True),
        ("Bản sao cần chứng thực (khi người yêu cầu tự mang bản sao)", 1, False, False),
    )),
    ("commune", "1.004194", "Đăng ký thường trú", 20_000, 7, (
        ("Tờ khai thay đổi thông tin cư trú (CT01)", 1, True, True),
        ("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", 1, False, True),
    )),
    ("commune", "2.000720", "Đăng ký thành lập hộ kinh doanh", 100_000, 3, (
        ("Giấy đề nghị đăng ký hộ kinh doanh", 1, True, True),
        ("Bản sao giấy tờ pháp lý của chủ hộ kinh doanh", 1, False, True),
        ("Biên bản họp thành viên hộ gia đình (khi các thành viên cùng thành lập)", 1, True, False),
    )),
)
