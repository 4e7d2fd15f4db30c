"""Loading portfolios: good files load, bad ones are reported (file, field, reason) and
never stop the rest from loading."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from vetting.errors import BriefError
from vetting.loading import MAX_DOCUMENT_BYTES, load_brief, load_portfolios, load_uploads

TODAY = date(2026, 11, 22)

GOOD = {
    "identity": {"name": "스튜디오 한나", "kind": "agency", "languages": ["ko", "en"]},
    "price": {"amount": 3_500_000, "currency": "KRW", "unit": "monthly_retainer"},
    "accounts": [
        {
            "platform": "instagram",
            "handle": "@hana.studio",
            "period_start": "2025-01-01",
            "followers": 5000,
            "following": 400,
            "recent_posts": [{"date": "2026-05-01", "likes": 120, "comments": 4}],
        }
    ],
    "strategy_answers": {"target_audience": "서울의 20~30대 직장인 여성, 팔로워 전체가 아닙니다."},
}


def write(folder: Path, name: str, content: str | bytes | dict) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict):
        content = json.dumps(content, ensure_ascii=False)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_good_json_and_yaml_load_with_ids_from_file_names(tmp_path: Path) -> None:
    write(tmp_path, "hana.json", GOOD)
    write(tmp_path, "Ana Koci.yaml", "identity: {name: Ana Koçi, kind: freelancer}\n")
    result = load_portfolios(tmp_path, TODAY)
    assert sorted(p.candidate_id for p in result.portfolios) == ["ana-koci", "hana"]
    assert result.problems == []
    hana = next(p for p in result.portfolios if p.candidate_id == "hana")
    assert hana.identity.name == "스튜디오 한나"


def test_a_bad_file_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    write(tmp_path, "good.json", GOOD)
    bad = dict(GOOD, accounts=[dict(GOOD["accounts"][0], followers=-5)])
    write(tmp_path, "bad.json", bad)
    result = load_portfolios(tmp_path, TODAY)
    assert [p.candidate_id for p in result.portfolios] == ["good"]
    assert messages(result) == [
        f"{tmp_path / 'bad.json'}: accounts[0].followers: must be at least 0; got -5"
    ]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"period_start": "2027-01-01"}, "accounts[0].period_start", "2027-01-01 is in the future"),
        (
            {"period_start": "2026-03-01", "period_end": "2026-01-01"},
            "accounts[0]",
            "period_end 2026-01-01 is before period_start 2026-03-01",
        ),
        ({"platform": "myspace"}, "accounts[0].platform", "must be one of instagram"),
        ({"folowers": 3}, "accounts[0].folowers", "did you mean 'followers'?"),
    ],
)
def test_impossible_values_name_field_and_reason(
    tmp_path: Path, change: dict, field: str, reason: str
) -> None:
    write(tmp_path, "c.json", dict(GOOD, accounts=[dict(GOOD["accounts"][0], **change)]))
    result = load_portfolios(tmp_path, TODAY)
    assert result.portfolios == []
    assert any(p.field == field and reason in p.message for p in result.problems), messages(result)


def test_implausible_likes_load_with_a_warning(tmp_path: Path) -> None:
    post = {"date": "2026-05-01", "likes": 40_000, "comments": 3}
    write(tmp_path, "c.json", dict(GOOD, accounts=[dict(GOOD["accounts"][0], recent_posts=[post])]))
    result = load_portfolios(tmp_path, TODAY)
    assert len(result.portfolios) == 1
    [warning] = result.warnings
    assert warning.field == "accounts[0].recent_posts[0].likes"
    assert "8× the followers (5,000)" in warning.message


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.yaml", b"", "file is empty"),
        ("blank.json", b"  \n ", "file is empty"),
        ("truncated.json", b'{"identity": {"name": "x", "kind": "agency"}, "accounts": [',
         "the file ends early: truncated?"),
        ("latin1.yaml", "identity: {name: Ana Ko\xe7i, kind: agency}".encode("latin-1"),
         "not UTF-8 text (byte 0xe7"),
        ("list.yaml", b"- a\n- b\n", "the file must hold one mapping of fields (found list)"),
        ("broken.yaml", b"identity: {name: [x\n", "invalid YAML: did not find expected"),
        ("bomb.yaml", b"a: &a [1, 2]\nb: [*a, *a]\n", "YAML aliases ('*a') are not allowed"),
        ("tagged.yaml", b"identity: !!python/object:os.system {}\n", "invalid YAML"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    write(tmp_path, name, content)
    write(tmp_path, "good.json", GOOD)
    result = load_portfolios(tmp_path, TODAY)
    assert [p.candidate_id for p in result.portfolios] == ["good"]
    [problem] = result.problems
    assert problem.file == str(tmp_path / name)
    assert reason in problem.message


def test_enormous_file_is_refused_without_parsing(tmp_path: Path) -> None:
    write(tmp_path, "huge.json", b'{"x": "' + b"a" * (MAX_DOCUMENT_BYTES + 10) + b'"}')
    [problem] = load_portfolios(tmp_path, TODAY).problems
    assert "the limit is 5 MiB" in problem.message


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    write(tmp_path, "w.yaml", "identity: {name: سارة, kind: freelancer}\n".encode("utf-16"))
    result = load_portfolios(tmp_path, TODAY)
    assert result.portfolios[0].identity.name == "سارة"


def test_posts_and_history_from_csv_skip_bad_rows(tmp_path: Path) -> None:
    account = dict(
        GOOD["accounts"][0], recent_posts=[],
        recent_posts_csv="data/posts.csv", follower_history_csv="data/history.csv",
    )
    write(tmp_path, "c.yaml", json.dumps(dict(GOOD, accounts=[account])))
    write(
        tmp_path, "data/posts.csv",
        "date,format,likes,comments,shares,saves,views,paid\n"
        "2026-05-01,reel,100,3,,,2000,false\n"
        "2026-05-02,image,-4,3,,,,false\n"
        "2027-01-01,image,1,1,,,,\n"
        "2026-05-04,carousel,90,2,1,4,,true\n",
    )
    write(tmp_path, "data/history.csv", "date,followers,following\n2026-01-01,4800,390\n")
    result = load_portfolios(tmp_path, TODAY)
    [portfolio] = result.portfolios
    posts = portfolio.accounts[0].recent_posts
    assert [p.likes for p in posts] == [100, 90]
    assert posts[0].views == 2000 and posts[1].paid is True
    assert portfolio.accounts[0].follower_history[0].followers == 4800
    csv_name = str(tmp_path / "data" / "posts.csv")
    assert messages(result) == [
        f"{csv_name}: row 3, likes: must be at least 0; got '-4'; row skipped",
        f"{csv_name}: row 4, date: 2027-01-01 is in the future; row skipped",
    ]


def test_missing_csv_and_path_traversal_are_reported(tmp_path: Path) -> None:
    outside = tmp_path / "secret.csv"
    outside.write_text("date,followers\n2026-01-01,1\n")
    folder = tmp_path / "portfolios"
    account = dict(GOOD["accounts"][0], follower_history_csv="../secret.csv",
                   recent_posts_csv="nope.csv")
    write(folder, "c.json", dict(GOOD, accounts=[account]))
    result = load_portfolios(folder, TODAY)
    assert len(result.portfolios) == 1
    assert {p.field: p.message for p in result.problems} == {
        "accounts[0].follower_history_csv": "file '../secret.csv' not found",
        "accounts[0].recent_posts_csv": "file 'nope.csv' not found",
    }


def test_duplicate_ids_keep_the_first(tmp_path: Path) -> None:
    write(tmp_path, "a.json", dict(GOOD, id="same"))
    write(tmp_path, "b.json", dict(GOOD, id="same"))
    result = load_portfolios(tmp_path, TODAY)
    assert len(result.portfolios) == 1
    assert "id 'same' is already used by" in result.problems[0].message


def test_uploads_match_csvs_by_name() -> None:
    account = dict(GOOD["accounts"][0], recent_posts=[], recent_posts_csv="data/p.csv")
    files = {
        "c.json": json.dumps(dict(GOOD, accounts=[account])).encode(),
        "p.csv": b"date,likes,comments\n2026-05-01,10,1\n",
    }
    result = load_uploads(files, TODAY)
    assert result.portfolios[0].accounts[0].recent_posts[0].likes == 10


def test_missing_paths_and_empty_folders(tmp_path: Path) -> None:
    result = load_portfolios([tmp_path / "nowhere", tmp_path], TODAY)
    assert [p.message for p in result.problems] == [
        "no such file or folder", "no .json or .yaml files found"
    ]


def test_brief_errors_name_the_field(tmp_path: Path) -> None:
    path = write(
        tmp_path, "brief.yaml",
        "title: Spring hire\nbudget: {low: 3000, high: 1000, currency: EUR, unit: hourly}\n",
    )
    with pytest.raises(BriefError) as caught:
        load_brief(path, TODAY)
    [problem] = caught.value.problems
    assert (problem.field, problem.message) == ("budget", "high 1000.0 is below low 3000.0")


def test_an_empty_id_as_in_the_template_takes_the_file_name(tmp_path: Path) -> None:
    write(tmp_path, "Studio Hana.yaml", "id:\nidentity: {name: Hana, kind: agency}\n")
    [portfolio] = load_portfolios(tmp_path, TODAY).portfolios
    assert portfolio.candidate_id == "studio-hana"


def test_a_rejected_duplicate_does_not_bring_its_follower_sample(tmp_path: Path) -> None:
    sample = "posts,followers,following\n" + "\n".join(f"{i},{100 + i},50" for i in range(40))
    for name, rows in (("a", sample), ("b", sample.replace(",50", ",4000"))):
        write(tmp_path, f"data/{name}.csv", rows)
        account = dict(GOOD["accounts"][0], follower_sample_csv=f"data/{name}.csv")
        write(tmp_path, f"{name}.json", dict(GOOD, id="same", accounts=[account]))
    result = load_portfolios(tmp_path, TODAY)
    assert len(result.portfolios) == 1
    kept = result.follower_samples[("same", 0)]
    assert kept["following"].max() == 50  # a.json's sample, not the rejected b.json's


def test_two_uploads_with_one_name_are_reported() -> None:
    first = json.dumps(GOOD).encode()
    second = json.dumps(dict(GOOD, identity={"name": "Other", "kind": "agency"})).encode()
    result = load_uploads([("portfolio.json", first), ("portfolio.json", second)], TODAY)
    assert [p.identity.name for p in result.portfolios] == ["스튜디오 한나"]
    assert "two uploaded files have this name" in result.problems[0].message
