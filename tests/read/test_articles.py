"""Tests of kg.read.articles: pages split into articles with headline, section, byline and date."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from kg.model import Article, Source
from kg.read.articles import split_articles
from kg.read.ingest import source_from_text

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# A page in the style of our column OCR: hard wraps with two trailing spaces, a kicker and a
# banner above the first story, a section label, an orphan caption, a photo story with its
# credit, and a commentary with a ■author line.
# fmt: off
COLUMN_PAGE = (
    "\n\n"
    "深化产业工人队伍建设改革  \n"
    "建设高技能人才队伍\n"
    "\n"
    "# 筑牢“技能根基” 点亮“成才之路”\n"
    "\n"
    "## 青山区总工会打造职工技能培训体系\n"
    "\n"
    "记者王小明 通讯员李华、  \n"
    "赵一平报道 “每天练一  \n"
    "小时，每周考一次，每月  \n"
    "比一回……”在青山机械厂  \n"
    "的实训车间里，工人们正在  \n"
    "认真练习。\n"
    "\n"
    "### “师傅”带路，徒弟成长\n"
    "\n"
    "青山区总工会相关负责人  \n"
    "介绍，今年全区已有三百  \n"
    "余名职工参加了技能培训。\n"
    "\n"
    "工会“百事通”\n"
    "\n"
    "## 夜校开进工业园\n"
    "\n"
    "本报讯 记者孙大伟报  \n"
    "道 近日，绿水县总工  \n"
    "会在工业园开办职工夜  \n"
    "校，首期学员八十人。\n"
    "\n\n\n"
    "周小红的剪纸作品获得一等奖。\n"
    "\n\n\n"
    "## 飞手大比拼\n"
    "\n"
    "近日，白云区无人机  \n"
    "操作技能比赛举行。图  \n"
    "为选手进行飞行前检查。\n"
    "\n"
    "记者钱进  \n"
    "通讯员吴天 摄\n"
    "\n"
    "## 工会服务要接地气\n"
    "\n"
    "■郑文\n"
    "\n"
    "日前，红枫市总工会组织  \n"
    "开展服务职工活动，受到  \n"
    "职工欢迎。\n"
)

# A page in the style of one paragraph per line, bold bylines, a caption set apart.
FLAT_PAGE = (
    "\n\n"
    "弘扬劳模精神  \n"
    "争做时代先锋\n"
    "\n"
    "# 在“学”上下功夫 在“干”上见实效\n"
    "\n"
    "## 东湖区工会开展“三项行动”提升职工素质\n"
    "\n"
    "**本报讯 记者陈一鸣 通讯员刘芳报道** 日前，东湖区总工会启动职工素质提升行动，"
    "组织职工学习新技术、新工艺。\n"
    "\n"
    "“我们要让每名职工都有一技之长。”东湖区总工会负责人说。\n"
    "\n"
    "## 西岭镇工会为户外劳动者送清凉\n"
    "\n"
    "**本报讯 通讯员马丽、何强报道** 近日，西岭镇总工会走访慰问环卫工人。\n"
    "\n\n\n"
    "西岭镇工会志愿者慰问活动现场。\n"
    "\n"
    "## 老字号里的“新工匠”\n"
    "\n"
    "### 南街食品厂工会助力青年职工成长\n"
    "\n"
    "**本报讯 记者欧阳晓东 通讯员林木报道** 走进南街食品厂，青年职工正在学做糕点。\n"
    "\n"
    "“工”创美好生活\n"
    "\n"
    "## 工地上的“暖心驿站”\n"
    "\n"
    "北港建设公司工会  \n"
    "打造职工“温馨家园”\n"
    "\n\n\n"
    "**本报讯 记者高山报道** 日前，北港建设公司工会在项目工地建成职工驿站。\n"
)

# A page without markdown, as plain OCR text comes: labels, headlines and subtitles are lines.
PLAIN_PAGE = (
    "江南新闻·工会天地\n"
    "\n"
    "2024年6月12日 星期三\n"
    "\n"
    "技能兴市\n"
    "\n"
    "青年技工的“加油站”\n"
    "\n"
    "河西区总工会为青年职工搭建成长平台\n"
    "\n"
    "本报讯 记者方圆 通讯员贾明报道 走进河西区职工服务中心，青年技工正在上课。\n"
    "\n"
    "河西区总工会负责人表示，将继续办好职工课堂。\n"
    "\n"
    "图为青年技工在课堂上练习。\n"
    "\n"
    "记者方圆 摄\n"
    "\n"
    "工会“小喇叭”\n"
    "\n"
    "夏日送清凉\n"
    "\n"
    "本报讯 通讯员柳青报道 6月10日，河东区总工会为环卫工人送去防暑用品。\n"
)

TRADITIONAL_PAGE = (
    "【職工天地】\n"
    "\n"
    "鞋廠裏的師徒\n"
    "\n"
    "本報訊 記者張小華 通訊員李明報道 在南安鞋業公司，師傅正向徒弟講解技術。\n"
    "\n"
    "圖為師傅指導徒弟。\n"
    "\n"
    "記者張小華 攝\n"
)
# fmt: on


def make_source(text: str, **meta: str) -> Source:
    """Build a Source from a test text."""
    return source_from_text(text, path="page.md", document="page.md", meta=meta)


def people(article: Article) -> list[tuple[str, str]]:
    """Return the byline of an article as (name, role) pairs."""
    return [(person.name, person.role) for person in article.byline]


def assert_well_formed(source: Source, articles: list[Article]) -> None:
    """Check indices, ordering, coverage of the text and that spans give the values."""
    assert [a.index for a in articles] == list(range(len(articles)))
    assert articles[0].start == len(source.text) - len(source.text.lstrip())
    assert articles[-1].end == len(source.text.rstrip())
    for before, after in itertools.pairwise(articles):
        assert before.end <= after.start
        assert not source.text[before.end : after.start].strip()
    for article in articles:
        if article.headline_start is not None:
            assert source.text[article.headline_start : article.headline_end] == article.headline
            assert article.start <= article.headline_start < article.end
        for person in article.byline:
            assert source.text[person.start : person.end] == person.name
            assert article.start <= person.start < article.end
            assert "报道" not in person.name and "報道" not in person.name


def test_split_articles_reads_a_column_page() -> None:
    source = make_source(COLUMN_PAGE)
    articles = split_articles(source)
    assert_well_formed(source, articles)
    assert [(a.headline, a.section) for a in articles] == [
        ("青山区总工会打造职工技能培训体系", ""),
        ("夜校开进工业园", "工会“百事通”"),
        ("", ""),
        ("飞手大比拼", ""),
        ("工会服务要接地气", ""),
    ]
    assert [people(a) for a in articles] == [
        [("王小明", "记者"), ("李华", "通讯员"), ("赵一平", "通讯员")],
        [("孙大伟", "记者")],
        [],
        [("钱进", "摄"), ("吴天", "摄")],
        [("郑文", "作者")],
    ]
    assert source.text[articles[0].start :].startswith("深化产业工人队伍建设改革建设")
    assert source.text[articles[1].start :].startswith("工会“百事通”\n\n## 夜校")
    assert source.text[articles[2].start : articles[2].end] == "周小红的剪纸作品获得一等奖。"


def test_split_articles_reads_a_page_of_one_paragraph_per_line() -> None:
    source = make_source(FLAT_PAGE)
    articles = split_articles(source)
    assert_well_formed(source, articles)
    assert [(a.headline, a.section) for a in articles] == [
        ("东湖区工会开展“三项行动”提升职工素质", ""),
        ("西岭镇工会为户外劳动者送清凉", ""),
        ("", ""),
        ("老字号里的“新工匠”", ""),
        ("工地上的“暖心驿站”", "“工”创美好生活"),
    ]
    assert [people(a) for a in articles] == [
        [("陈一鸣", "记者"), ("刘芳", "通讯员")],
        [("马丽", "通讯员"), ("何强", "通讯员")],
        [],
        [("欧阳晓东", "记者"), ("林木", "通讯员")],
        [("高山", "记者")],
    ]


def test_split_articles_reads_a_page_without_markdown() -> None:
    source = make_source(PLAIN_PAGE)
    articles = split_articles(source)
    assert_well_formed(source, articles)
    assert [(a.headline, a.section, a.date) for a in articles] == [
        ("青年技工的“加油站”", "技能兴市", "2024-06-12"),
        ("夏日送清凉", "工会“小喇叭”", "2024-06-12"),
    ]
    assert people(articles[0]) == [("方圆", "记者"), ("贾明", "通讯员"), ("方圆", "摄")]


def test_split_articles_matches_traditional_pages_and_keeps_their_names() -> None:
    source = make_source(TRADITIONAL_PAGE)
    (article,) = split_articles(source)
    assert (article.headline, article.section) == ("鞋廠裏的師徒", "職工天地")
    assert people(article) == [("張小華", "记者"), ("李明", "通讯员"), ("張小華", "摄")]


def test_split_articles_keeps_text_without_headline_as_one_article() -> None:
    text = "近日，青山区总工会举办职工运动会。\n\n比赛设有拔河、跳绳等项目。\n"
    source = make_source(text)
    assert split_articles(source) == [Article(index=0, start=0, end=len(text.rstrip()))]


def test_split_articles_takes_a_title_line_of_a_plain_text() -> None:
    (article,) = split_articles(make_source("职工运动会开幕\n\n近日，青山区总工会举办职工运动会。"))
    assert (article.headline, article.headline_start, article.headline_end) == (
        "职工运动会开幕",
        0,
        7,
    )


def test_split_articles_returns_nothing_for_blank_text() -> None:
    assert split_articles(make_source(" \n\n")) == []


def test_split_articles_starts_a_story_at_each_byline_after_text() -> None:
    text = (
        "本报讯 记者张三报道 青山区总工会举办培训。\n"
        "本报讯 近日，河西区总工会开展慰问。\n"
        "本报讯 通讯员李四报道 红枫市举办技能比赛。\n"
    )
    articles = split_articles(make_source(text))
    assert [people(a) for a in articles] == [[("张三", "记者")], [], [("李四", "通讯员")]]


def test_split_articles_keeps_a_sub_headline_and_inner_headings_in_the_story() -> None:
    text = "## 主标题\n\n### 副标题\n\n正文第一段。\n\n### 小标题\n\n正文第二段。\n"
    (article,) = split_articles(make_source(text))
    assert article.headline == "主标题"


def test_split_articles_uses_a_lone_hash_headline_when_no_double_hash_follows() -> None:
    text = "# 第一篇\n\n正文。\n\n# 第二篇\n\n正文。\n"
    assert [a.headline for a in split_articles(make_source(text))] == ["第一篇", "第二篇"]


def test_split_articles_keeps_a_caption_next_to_its_story() -> None:
    text = "## 标题\n\n正文写完了。\n\n图为职工在车间练习。\n\n记者钱进 摄\n\n## 下一篇\n\n正文。\n"
    articles = split_articles(make_source(text))
    assert [a.headline for a in articles] == ["标题", "下一篇"]
    assert people(articles[0]) == [("钱进", "摄")]


def test_split_articles_keeps_a_short_continuation_line_in_its_story() -> None:
    text = "## 标题\n\n工会对企业的安全工作进行了\n\n\n部署。\n\n## 下一篇\n\n正文。\n"
    assert [a.headline for a in split_articles(make_source(text))] == ["标题", "下一篇"]


# fmt: off
BYLINES = [
    ("本报讯 记者张三报道 近日，青山区举办培训。", [("张三", "记者")]),
    ("本报讯 记者王小明 通讯员李华、赵一平报道 近日",
     [("王小明", "记者"), ("李华", "通讯员"), ("赵一平", "通讯员")]),
    ("**本报讯 通讯员马丽、何强报道** 近日", [("马丽", "通讯员"), ("何强", "通讯员")]),
    ("本报青山6月12日讯 记者周文报道 近日", [("周文", "记者")]),
    ("本报讯（记者 张三 通讯员 李四） 近日", [("张三", "记者"), ("李四", "通讯员")]),
    ("记者张三 通讯员李四 王五报道 近日",
     [("张三", "记者"), ("李四", "通讯员"), ("王五", "通讯员")]),
    ("本报记者 金小明报道 近日", [("金小明", "记者")]),
    ("本报讯 近日，青山区举办培训。", []),
    ("记者钱进 通讯员吴天 摄", [("钱进", "摄"), ("吴天", "摄")]),
    ("图为职工在练习。 记者钱进 摄", [("钱进", "摄")]),
    ("■郑文", [("郑文", "作者")]),
    ("■本报评论员 郑文", [("郑文", "作者")]),
    ("本報訊 記者張小華報道 近日", [("張小華", "记者")]),
    ("记者从市总工会获悉，培训将于下月开班。", []),
    ("记者了解到，今年全市举办培训班一百期。", []),
]
# fmt: on


@pytest.mark.parametrize("line,expected", BYLINES)
def test_split_articles_reads_bylines(line: str, expected: list[tuple[str, str]]) -> None:
    source = make_source(f"## 标题\n\n{line}\n\n正文。\n")
    articles = split_articles(source)
    assert_well_formed(source, articles)
    assert len(articles) == 1
    assert people(articles[0]) == expected


@pytest.mark.parametrize(
    "text,meta,date",
    [
        ("## 标题\n\n本报讯 2024年6月12日，青山区举办培训。\n", {}, "2024-06-12"),
        ("## 标题\n\n2024-06-12\n\n正文。\n", {}, "2024-06-12"),
        ("# 版名\n\n2024年5月8日 星期三\n\n## 标题\n\n正文。\n", {}, "2024-05-08"),
        ("## 标题\n\n正文说2024年6月12日举行。\n", {}, None),
        ("## 标题\n\n正文。\n\n(本文转载自职工报刊,2024年5月20日)\n", {}, "2024-05-20"),
        ("## 标题\n\n2024年2月30日\n\n正文。\n", {}, None),
        ("本报讯 正文。", {"date": "2024/6/1"}, "2024-06-01"),
        ("本报讯 正文。", {"date": "六月一日"}, "六月一日"),
    ],
)
def test_split_articles_finds_dates(text: str, meta: dict[str, str], date: str | None) -> None:
    assert [a.date for a in split_articles(make_source(text, **meta))] == [date]


def test_split_articles_gives_every_story_the_page_date() -> None:
    text = "# 版名\n\n2024年5月8日\n\n## 第一篇\n\n正文。\n\n## 第二篇\n\n正文。\n"
    assert [a.date for a in split_articles(make_source(text))] == ["2024-05-08"] * 2


def test_split_articles_takes_the_title_of_a_json_lines_record() -> None:
    source = make_source("本报讯 记者张三报道 青山区的培训开班。", title="青山区举办培训")
    (article,) = split_articles(source)
    assert (article.headline, article.headline_start) == ("青山区举办培训", None)
    source = make_source("青山区举办培训\n\n正文。", title="夜校开课")
    assert split_articles(source)[0].headline == "青山区举办培训"


def test_split_articles_finds_a_json_lines_title_in_the_text() -> None:
    source = make_source("本报讯 青山区举办培训，一百人参加。", title="青山区举办培训")
    (article,) = split_articles(source)
    assert (article.headline_start, article.headline_end) == (4, 11)


@pytest.fixture(scope="module")
def seeds() -> Path:
    """``../shared/seeds``: skipped when missing locally, an error under CI."""
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SEEDS} is missing: CI needs ../shared beside the clone")
        pytest.skip(f"{SEEDS} is missing")
    return SEEDS


@pytest.mark.parametrize(
    "prefix,count,roles",
    [
        ("000_", 7, {"记者": 4, "通讯员": 3, "摄": 2, "作者": 1}),
        ("001_", 8, {"记者": 6, "通讯员": 8, "摄": 0, "作者": 0}),
    ],
)
def test_split_articles_splits_the_seed_pages(
    seeds: Path, prefix: str, count: int, roles: dict[str, int]
) -> None:
    (path,) = seeds.glob(f"{prefix}*.txt")
    source = source_from_text(path.read_text(encoding="utf-8"), str(path), path.name)
    articles = split_articles(source)
    assert_well_formed(source, articles)
    assert len(articles) == count
    found = [person.role for article in articles for person in article.byline]
    assert {role: found.count(role) for role in roles} == roles
    captions = [a for a in articles if not a.headline]
    assert len(captions) == 1 and not captions[0].byline
