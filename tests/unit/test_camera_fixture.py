"""The fake camera file the browser tests film QR codes with (tests/browser/camera.py)."""
import pytest
import zxingcpp
from PIL import Image

from tests.browser.camera import write_qr_y4m

CCCD = ("049201001234|201234567|Trần Thị Bích Ngọc|15081990|Nữ|"
        "Thôn Đông Tác, Xã Tam Xuân, Thành phố Đà Nẵng|10052021")


@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
def test_the_file_is_yuv4mpeg2_420_with_every_frame_whole(tmp_path, size):
    width, height = size
    video = write_qr_y4m(tmp_path / "qr.y4m", "http://127.0.0.1:5000/t/abc", frames=3, size=size)
    data = video.read_bytes()
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    assert data.startswith(header)
    frame = width * height * 3 // 2
    assert len(data) == len(header) + 3 * (len(b"FRAME\n") + frame)
    for index in range(3):
        start = len(header) + index * (6 + frame)
        assert data[start:start + 6] == b"FRAME\n"


def test_a_frame_decodes_back_to_the_text(tmp_path):
    width, height = 640, 480
    data = write_qr_y4m(tmp_path / "card.y4m", CCCD, frames=2).read_bytes()
    first = data.index(b"FRAME\n") + 6
    luma = Image.frombytes("L", (width, height), data[first:first + width * height])
    assert [code.text for code in zxingcpp.read_barcodes(luma)] == [CCCD]
    # The chroma planes of a grey and black-and-white picture sit at the middle value.
    chroma = data[first + width * height:first + width * height * 3 // 2]
    assert max(chroma) - min(chroma) <= 4


def test_odd_sizes_and_empty_videos_are_refused(tmp_path):
    with pytest.raises(ValueError):
        write_qr_y4m(tmp_path / "odd.y4m", "x", size=(641, 480))
    with pytest.raises(ValueError):
        write_qr_y4m(tmp_path / "none.y4m", "x", frames=0)


def luma_of_first_frame(video, size=(640, 480)) -> Image.Image:
    data = video.read_bytes()
    first = data.index(b"FRAME\n") + 6
    return Image.frombytes("L", size, data[first:first + size[0] * size[1]])


def test_an_inverted_frame_is_light_on_dark_and_still_a_code(tmp_path):
    luma = luma_of_first_frame(write_qr_y4m(tmp_path / "dark.y4m", "http://127.0.0.1/t/abc", frames=1,
                                            inverted=True))
    # A 33-module code at 10 px a module, from y = 75: its quiet zone is dark, the desk still grey.
    assert luma.getpixel((320, 85)) < 40 and 100 < luma.getpixel((5, 5)) < 150
    assert [code.text for code in zxingcpp.read_barcodes(luma)] == ["http://127.0.0.1/t/abc"]


def test_bytes_go_in_as_they_are(tmp_path):
    slip = "受付番号 第１２３号"
    luma = luma_of_first_frame(write_qr_y4m(tmp_path / "sjis.y4m", slip.encode("shift_jis"), frames=1))
    [code] = zxingcpp.read_barcodes(luma)
    assert code.bytes == slip.encode("shift_jis")
    assert code.text == slip  # what a reader that honours the code's encoding shows
