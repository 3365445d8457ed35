"""Entity matching with the bundled gazetteer: every rule on sentences written for these tests."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import vncooc


def ids(text: str) -> list[str]:
    return [m.entity_id for m in vncooc.find_entities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hội đồng Bảo an Liên hợp quốc họp khẩn.", ["unsc"]),
        ("Tình hình trên bán đảo Triều Tiên căng thẳng.", ["korean_peninsula"]),
        ("Liên minh Kinh tế Á - Âu mở rộng hợp tác.", ["eaeu"]),
        ("Liên minh Kinh tế Á-Âu và Liên minh kinh tế Á Âu là một.", ["eaeu", "eaeu"]),
        ("các nước thuộc tổ chức hợp tác Thượng Hải nhóm họp", ["sco"]),
        ("Tổ chức Hợp tác Thượng Hải (SCO) họp ở Thượng Hải.", ["sco", "sco", "shanghai"]),
    ],
)
def test_longest_names_win(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moskva, Mát-xcơ-va và Moscow", ["moscow"] * 3),
        ("Sergei Lavrov, Sergey Lavrov, Xéc-gây La-vrốp và ông Lavrov", ["sergey_lavrov"] * 4),
        ("LHQ hay Liên hợp quốc", ["un", "un"]),
        ("Vladimir Putin, Vla-đi-mia Pu-tin, ông Putin", ["vladimir_putin"] * 3),
        ("Tập Cận Bình, Lý Cường và Lý Khắc Cường", ["xi_jinping", "li_qiang", "li_keqiang"]),
        ("Mỹ hay Hoa Kỳ; Nga hay Liên bang Nga hay LB Nga", ["usa", "usa", "russia", "russia", "russia"]),
        ("Trung Quốc và CHDCND Triều Tiên", ["china", "north_korea"]),
        ("nước Mĩ, Hoa Kì, Thụy Sỹ và Hi Lạp", ["usa", "usa", "switzerland", "greece"]),
    ],
)
def test_aliases_resolve_to_one_id(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quan hệ Nga-Trung và Trung-Nga", ["russia", "china", "china", "russia"]),
        ("đối thoại Mỹ-Trung, Việt-Mỹ và Việt-Trung", ["usa", "china", "vietnam", "usa", "vietnam", "china"]),
        ("Nga - Trung Quốc hội đàm", ["russia", "china"]),
        ("miền Trung và ông Trung nói", []),
        # without a hyphen, after a word for what two countries share
        ("Quan hệ Nga Trung và đối thoại Việt Mỹ", ["russia", "china", "vietnam", "usa"]),
        ("anh Việt Trung và đoàn Việt Nga", ["russia"]),
        # "Hữu nghị Việt Xô" names a building
        ("Cung Văn hóa Hữu nghị Việt Xô và BV Hữu nghị Việt Đức", []),
    ],
)
def test_compounds(text, expected):
    assert ids(text) == expected


def test_central_america_is_no_pair():
    # "Trung Mỹ" after a pair word may be Central America: "Trung" is not taken for China there
    assert "china" not in ids("Quan hệ kinh tế Trung Mỹ")
    assert ids("thương mại Mỹ Trung") == ["usa", "china"]


COUNTRY_IDS = {
    "russia",
    "usa",
    "uk",
    "germany",
    "france",
    "japan",
    "china",
    "italy",
    "austria",
    "laos",
    "vietnam",
}


@pytest.mark.parametrize(
    "text",
    [
        "Chị Nga, cô Nga, bà Nga và em Nga đều là giáo viên.",
        "Chị Nguyễn Thị Nga cho biết chị rất vui.",
        "Đàn thiên nga bay qua hồ. Chú Cuội và chị Hằng Nga.",
        "Trận đấu diễn ra trên sân Mỹ Đình, còn anh ấy ở Mỹ Tho.",
        "Bà Nguyễn Thị Mỹ làm nghề thẩm mỹ và bán mỹ phẩm.",
        "Mỹ phẩm nhập khẩu tăng mạnh.",
        "Anh ấy đến muộn. Anh cho biết sẽ quay lại.",
        "Ông Nguyễn Minh Đức nhấn mạnh vấn đề đạo đức.",
        "Dự thảo sửa đổi pháp luật về đất đai.",
        "Hệ thống cập nhật dữ liệu vào chủ nhật. Chủ nhật tuần sau họp tiếp.",
        "nga, mỹ, anh, pháp viết thường không phải tên nước",
        "Ca sĩ Mỹ Tâm và ca sĩ Đức Phúc hát, diễn viên Anh Đức dẫn chương trình.",
        "Người mẫu Hà Anh trò chuyện với Anh Ba và Anh Hai.",
        "Ý Nhi đọc sách. Pháp lý chưa rõ. Mỹ học hiện đại. Đức độ của ông.",
        "Mĩ phẩm và thẩm mĩ viện, Mĩ thuật.",
        "Ông về xã Nga Điền rồi lên thị xã Kỳ Anh; TS Nga và ThS. Đức cùng đi.",
        "Vấn Đề Đạo Đức Trong Kinh Doanh",
        "Anh sinh năm 1995 và quê ở miền núi.",
        "Bệnh viện Hữu nghị Việt Đức tiếp nhận bệnh nhân. Nhật thực toàn phần diễn ra tối qua.",
        "Núi Nga Mi ở Tứ Xuyên. Pháp Luân Công bị cấm.",
        "Chị Việt Nga bán rau ở chợ. Cô Trung Anh dạy toán.",
        "Mỹ Tâm Ra Mắt Album Mới",
        "Đức Phúc Giành Giải Thưởng Âm Nhạc",
    ],
)
def test_traps_give_no_country(text):
    assert set(ids(text)) & COUNTRY_IDS == set(), ids(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Khu vực Trung Á và Trung Đông", ["central_asia", "middle_east"]),
        ("Thủ tướng Anh và Tổng thống Pháp gặp Thủ tướng Đức", ["uk", "france", "germany"]),
        ("Tổng thống Nga Vladimir Putin", ["russia", "vladimir_putin"]),
        ("Năm Nga - Trung Quốc về khoa học", ["russia", "china"]),
        ("Theo VTV.vn, Việt Nam và Nhật Bản", ["vietnam", "japan"]),
        ("Thủ tướng Anh cho biết, Mỹ và Anh nói", ["uk", "usa", "uk"]),
        ("quan hệ Anh/Pháp và năm 2020.Nga", ["uk", "france", "russia"]),
        ("ca sĩ Mỹ Taylor Swift và cầu thủ Anh", ["usa", "uk"]),
        ("Mỹ Đạt Thỏa Thuận Với Nga", ["usa", "russia"]),
        ("quan hệ Nga Mỹ", ["russia", "usa"]),
        ("Anh Hòa Mỹ 0-0 Tại World Cup", ["uk", "usa"]),
        ("tình anh em Việt Nga", ["russia"]),
        ("lãnh đạo Đức và Nhật thực hiện cam kết", ["germany", "japan"]),
        ("V.Putin và S.Lavrov tại Luân Đôn", ["vladimir_putin", "sergey_lavrov", "london"]),
    ],
)
def test_real_mentions_survive_the_trap_rules(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thứ trưởng Ngoại giao Nga Sergei Ryabkov và Đại diện thường trực Vassily Nebenzia",
            ["russia", "sergei_ryabkov", "vassily_nebenzia"],
        ),
        ("Bộ trưởng Quốc phòng Đổng Quân gặp Đại sứ Hà Vĩ", ["dong_jun", "he_wei"]),
        ("Ông Vương Hộ Ninh, ông Thái Kỳ và ông Lý Hy", ["wang_huning", "cai_qi", "li_xi"]),
        (
            "Thủ tướng Anthony Albanese, Mark Carney và ông Witkoff",
            ["anthony_albanese", "mark_carney", "steve_witkoff"],
        ),
        ("Ông Thái Kỳ; thời thái kỳ", ["cai_qi"]),
        ("Lãnh đạo Đài Loan Lại Thanh Đức và ông Mã Anh Cửu", ["taiwan", "lai_ching_te", "ma_ying_jeou"]),
        (
            "Cục Dự trữ Liên bang Mỹ (Fed) và Đối thoại Shangri-La",
            ["federal_reserve", "federal_reserve", "shangri_la_dialogue"],
        ),
        (
            "đá Ba Đầu, đảo Song Tử Tây và đảo Trường Sa Lớn",
            ["whitsun_reef", "southwest_cay", "spratly_island"],
        ),
        ("xứ sở Bạch Dương và đất nước Chùa Tháp", ["russia", "cambodia"]),
    ],
)
def test_second_tier_officials(text, expected):
    assert ids(text) == expected


def test_default_gazetteer_has_no_conflicts_and_covers_the_un():
    g = vncooc.Gazetteer.default().to_pandas()
    assert g.entity_id.is_unique
    countries = g[g.entity_type == "country"]
    assert len(countries) >= 196  # 193 UN members + Taiwan, Palestine, Kosovo (and more)
    for must in ["taiwan", "palestine", "kosovo", "soviet_union", "timor_leste", "south_sudan"]:
        assert must in set(countries.entity_id)


RECORD = {
    "id": "hanoi_green_forum",
    "type": "organization",
    "name_en": "Hanoi Green Forum",
    "name_vi": "Diễn đàn Xanh Hà Nội",
    "aliases": ["Diễn đàn Xanh Hà Nội", "HGF"],
}


def test_user_gazetteer_formats(tmp_path: Path):
    csv_path = tmp_path / "g.csv"
    csv_path.write_text(
        "id,type,name_en,name_vi,aliases\n"
        "hanoi_green_forum,organization,Hanoi Green Forum,Diễn đàn Xanh Hà Nội,Diễn đàn Xanh Hà Nội|HGF\n",
        encoding="utf-8",
    )
    json_path = tmp_path / "g.json"
    json_path.write_text(__import__("json").dumps([RECORD], ensure_ascii=False), encoding="utf-8")
    base = len(vncooc.Gazetteer.default())
    for g in [
        vncooc.Gazetteer.from_csv(csv_path),
        vncooc.Gazetteer.from_json(json_path),
        vncooc.Gazetteer.default().add([RECORD]),
    ]:
        assert len(g) == base + 1
        assert [m.entity_id for m in vncooc.find_entities("HGF và Nga", gazetteer=g)] == [
            "hanoi_green_forum",
            "russia",
        ]
        again = pickle.loads(pickle.dumps(g))
        assert len(again) == len(g)
        assert [m.entity_id for m in vncooc.find_entities("HGF", gazetteer=again)] == ["hanoi_green_forum"]
    alone = vncooc.Gazetteer.from_records([RECORD], extend_default=False)
    assert len(alone) == 1 and ids("Nga") == ["russia"]
    assert [m.entity_id for m in vncooc.find_entities("HGF và Nga", gazetteer=alone)] == ["hanoi_green_forum"]
    assert len(pickle.loads(pickle.dumps(vncooc.Gazetteer.default()))) == base


def test_short_forms_after_titles(tmp_path: Path):
    # the bundled gazetteer: "Tập" is Xi Jinping after a title, nowhere else
    assert ids("Ông Tập và Chủ tịch Tập Cận Bình") == ["xi_jinping", "xi_jinping"]
    assert ids("Trung Quốc: Chủ tịch Tập phát biểu") == ["china", "xi_jinping"]
    # ... and only where the text names Xi or China otherwise (not a village head "ông Tập")
    assert ids("Theo ông Tập, trưởng thôn, nước lũ rút chậm.") == []
    assert ids("Tập đoàn Than và các bài Tập; ông Tập Văn Nam") == []
    # a user's short form, from CSV (a list field) and kept through pickling
    csv_path = tmp_path / "g.csv"
    csv_path.write_text(
        "id,type,name_en,name_vi,aliases,titled\n"
        "zorvan_quell,person,Zorvan Quell,Zorvan Quell,Zorvan Quell,Zorvan|Giô-van\n",
        encoding="utf-8",
    )
    g = pickle.loads(pickle.dumps(vncooc.Gazetteer.from_csv(csv_path)))
    text = "Zorvan Quell về nước. Ông Zorvan gặp bà Giô-van. Zorvan ở lại."
    found = [m.entity_id for m in vncooc.find_entities(text, gazetteer=g)]
    assert found == ["zorvan_quell"] * 3
    assert vncooc.find_entities("Ông Zorvan gặp bà Giô-van.", gazetteer=g) == []


def test_user_gazetteer_errors_name_the_line(tmp_path: Path):
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text(
        "id,type,name_en,name_vi,aliases\nok_one,place,A,A,Ápxyz\nbad,planet,B,B,Bxyz\n", encoding="utf-8"
    )
    with pytest.raises(vncooc.GazetteerError, match=r"bad\.csv:3:"):
        vncooc.Gazetteer.from_csv(bad_csv)
    bad_jsonl = tmp_path / "bad.jsonl"
    bad_jsonl.write_text(
        '{"id": "a_b", "type": "place", "name_en": "A", "name_vi": "A", "aliases": ["Ápq"]}\n{oops\n'
    )
    with pytest.raises(vncooc.GazetteerError, match=r"bad\.jsonl:2:"):
        vncooc.Gazetteer.from_jsonl(bad_jsonl)
    with pytest.raises(vncooc.GazetteerError, match="claimed by both"):
        vncooc.Gazetteer.default().add([dict(RECORD, id="other_forum"), RECORD])
    with pytest.raises(vncooc.CorpusNotFoundError):
        vncooc.Gazetteer.from_csv(tmp_path / "missing.csv")


def test_candidates_find_unknown_names():
    texts = [
        "Đại sứ Nga tại Việt Nam Arkady Voronkin trao đổi với báo chí.",
        "Hôm qua, ông Arkady Voronkin thăm Đà Nẵng. Tổ chức SOM họp tiếp.",
    ]
    c = vncooc.Corpus.from_texts(texts, clean=False).candidates(min_count=1)
    assert list(c.columns) == ["candidate", "count", "documents", "doc_id", "example"]
    top = c.iloc[0]
    assert (top.candidate, top["count"], top.documents, top.doc_id) == ("Arkady Voronkin", 2, 2, "0")
    assert "Arkady Voronkin" in top.example
    assert "Nga" not in set(c.candidate) and "Việt Nam" not in set(c.candidate)
