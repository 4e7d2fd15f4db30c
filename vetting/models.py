"""The toolkit's vocabulary: what a candidate submits, what a manager hires for, how a
rubric is written, and what the evidence engine and the scorer return.

Everything is a strict pydantic v2 model, so the JSON Schema a candidate fills in
(``python -m vetting schema``) is generated from the very classes the code uses.

Dates in the future are rejected against ``today`` from the validation context
(``Portfolio.model_validate(data, context={"today": date(2026, 1, 1)})``), so tests and
the loader can fix the clock; without a context the real date is used.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = 1

Platform = Literal["instagram", "tiktok", "facebook", "linkedin", "x", "youtube"]
PLATFORMS: tuple[Platform, ...] = get_args(Platform)

CandidateKind = Literal["freelancer", "agency"]

# The "many hats" of a social media manager (002 §5, 003 §2, §4).
Role = Literal[
    "strategist",
    "content_creator",
    "community_manager",
    "data_analyst",
    "graphic_designer",
    "videographer",
    "copywriter",
    "photographer",
    "crisis_communicator",
    "paid_ads_buyer",
]
ROLES: tuple[Role, ...] = get_args(Role)

PriceUnit = Literal["hourly", "monthly_retainer", "per_project"]
PostFormat = Literal["image", "carousel", "video", "reel", "short", "story", "text", "live"]
Ownership = Literal["own", "client"]
Employment = Literal["in_house", "contracted"]
Severity = Literal["caution", "serious", "knockout"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
Aggregation = Literal["mean", "median"]

# Rubric areas: the closing table of WARNINGS.md, plus fit to the hiring brief (004,
# closing advice: "hire someone who fits your needs"). Signals report findings per area;
# a rubric criterion names the area whose findings suggest its level.
Area = Literal[
    "followers_engagement",
    "authenticity",
    "repeatability",
    "creative_capacity",
    "strategy_depth",
    "measurement",
    "community_crisis",
    "paid_social",
    "learning",
    "commercial",
    "fit",
]
AREAS: tuple[Area, ...] = get_args(Area)

# A citation of WARNINGS.md: seed number and item, e.g. "004 §3" or "004 closing".
SOURCE_PATTERN = r"^(00[0-4]) (§([1-9]|10)|closing)$"
SourceRef = Annotated[str, Field(pattern=SOURCE_PATTERN, examples=["004 §3"])]

NonNegativeInt = Annotated[int, Field(ge=0)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}$", examples=["en", "sq", "ko"])]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,79}$")]


def _today(info: ValidationInfo) -> date:
    context = info.context if isinstance(info.context, dict) else {}
    today = context.get("today")
    return today if isinstance(today, date) else date.today()


def _not_future(value: date | None, info: ValidationInfo) -> date | None:
    if value is not None and value > _today(info):
        raise ValueError(f"{value.isoformat()} is in the future")
    return value


class Model(BaseModel):
    """Strict base: unknown fields are errors, so a typo in a file is reported."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


# --------------------------------------------------------------------------- portfolio


class Contact(Model):
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=50)
    website: str | None = Field(default=None, max_length=300)


class Identity(Model):
    """Who the candidate is. ``name`` may be in any script (Hangul, Thai, Arabic...)."""

    name: ShortText
    kind: CandidateKind
    location: str | None = Field(default=None, max_length=200)
    languages: list[LanguageCode] = Field(
        default_factory=list, description="Working languages as ISO 639 codes."
    )
    contact: Contact | None = None


class Money(Model):
    amount: float = Field(ge=0, allow_inf_nan=False)
    currency: CurrencyCode


class Price(Model):
    """What the candidate charges, and for what."""

    amount: float = Field(ge=0, allow_inf_nan=False)
    currency: CurrencyCode
    unit: PriceUnit
    includes: list[ShortText] = Field(
        default_factory=list, description="What the price covers, e.g. '12 posts a month'."
    )


class RoleStaffing(Model):
    role: Role
    headcount: float = Field(gt=0, le=1000, description="People (0.5 = half-time).")
    employment: Employment = "in_house"


class Team(Model):
    """The people behind the work (002 §5, 003 §2, §4)."""

    roles: list[RoleStaffing] = Field(default_factory=list)
    accounts_per_manager: float | None = Field(
        default=None, ge=0, le=1000, description="Client accounts each manager handles."
    )
    monthly_output: NonNegativeInt | None = Field(
        default=None, description="Pieces of content the team publishes a month, all clients."
    )

    @model_validator(mode="after")
    def _roles_unique(self) -> Team:
        seen = [(r.role, r.employment) for r in self.roles]
        if len(seen) != len(set(seen)):
            raise ValueError("a role is listed twice with the same employment; merge them")
        return self


class Post(Model):
    date: date
    format: PostFormat = "image"
    likes: NonNegativeInt = 0
    comments: NonNegativeInt = 0
    shares: NonNegativeInt | None = None
    saves: NonNegativeInt | None = None
    views: NonNegativeInt | None = None
    paid: bool = False

    _check_date = field_validator("date")(_not_future)


class FollowerPoint(Model):
    date: date
    followers: NonNegativeInt
    following: NonNegativeInt | None = None

    _check_date = field_validator("date")(_not_future)


class ManagedAccount(Model):
    """A social account the candidate ran: their own, or a client's."""

    platform: Platform
    handle: ShortText
    ownership: Ownership = "client"
    client: str | None = Field(default=None, max_length=200)
    period_start: date
    period_end: date | None = Field(default=None, description="Empty while still managed.")
    followers: NonNegativeInt
    following: NonNegativeInt | None = None
    posts: NonNegativeInt | None = Field(default=None, description="Posts on the account.")
    recent_posts: list[Post] = Field(default_factory=list)
    follower_history: list[FollowerPoint] = Field(default_factory=list)
    recent_posts_csv: str | None = Field(
        default=None, description="CSV of recent posts, relative to the portfolio file."
    )
    follower_history_csv: str | None = Field(
        default=None, description="CSV of follower history, relative to the portfolio file."
    )
    follower_sample_csv: str | None = Field(
        default=None, description="CSV of sampled followers for the audience audit."
    )

    _check_start = field_validator("period_start", "period_end")(_not_future)

    @model_validator(mode="after")
    def _period_in_order(self) -> ManagedAccount:
        if self.period_end is not None and self.period_end < self.period_start:
            raise ValueError(
                f"period_end {self.period_end} is before period_start {self.period_start}"
            )
        return self


class KPI(Model):
    name: ShortText
    definition: str | None = Field(default=None, max_length=2000)
    baseline: float | None = Field(default=None, allow_inf_nan=False)
    result: float | None = Field(default=None, allow_inf_nan=False)
    unit: str | None = Field(default=None, max_length=50)


class CaseStudy(Model):
    client: ShortText
    industry: ShortText
    platforms: list[Platform] = Field(min_length=1)
    period_start: date
    period_end: date
    objective: Text
    kpis: list[KPI] = Field(default_factory=list)
    paid_budget: Money | None = None
    tactics: list[ShortText] = Field(default_factory=list)
    reference_contactable: bool = False

    _check_dates = field_validator("period_start", "period_end")(_not_future)

    @model_validator(mode="after")
    def _period_in_order(self) -> CaseStudy:
        if self.period_end < self.period_start:
            raise ValueError(
                f"period_end {self.period_end} is before period_start {self.period_start}"
            )
        return self


class Certification(Model):
    name: ShortText
    issuer: str | None = Field(default=None, max_length=200)
    completed: date
    expires: date | None = None

    _check_completed = field_validator("completed")(_not_future)


class Portfolio(Model):
    """Everything one candidate submits. Fill in ``templates/portfolio.yaml``."""

    schema_version: Literal[1] = SCHEMA_VERSION
    id: Identifier | None = Field(
        default=None, description="Stable id; the file name is used when empty."
    )
    identity: Identity
    price: Price | None = None
    team: Team = Field(default_factory=Team)
    accounts: list[ManagedAccount] = Field(default_factory=list)
    case_studies: list[CaseStudy] = Field(default_factory=list)
    strategy_answers: dict[Identifier, Annotated[str, Field(max_length=20_000)]] = Field(
        default_factory=dict,
        description="Answers keyed by the question ids of strategy_questions.yaml.",
    )
    learning: list[Certification] = Field(default_factory=list)
    submitted: date | None = None

    _check_submitted = field_validator("submitted")(_not_future)

    @property
    def candidate_id(self) -> str:
        if self.id is None:
            raise ValueError("portfolio has no id; load it through vetting.loading")
        return self.id


# --------------------------------------------------------------------------- brief


class Budget(Model):
    low: float = Field(ge=0, allow_inf_nan=False)
    high: float = Field(ge=0, allow_inf_nan=False)
    currency: CurrencyCode
    unit: PriceUnit

    @model_validator(mode="after")
    def _ordered(self) -> Budget:
        if self.high < self.low:
            raise ValueError(f"high {self.high} is below low {self.low}")
        return self


class Brief(Model):
    """What the manager is hiring for; fit and price are judged against it."""

    title: ShortText
    platforms: list[Platform] = Field(default_factory=list)
    industry: str | None = Field(default=None, max_length=200)
    languages: list[LanguageCode] = Field(default_factory=list)
    scope: list[Role] = Field(
        default_factory=list, description="The hats the hire must wear (002 §5)."
    )
    budget: Budget | None = None
    start_date: date | None = None
    exchange_rates: dict[CurrencyCode, Annotated[float, Field(gt=0, allow_inf_nan=False)]] = (
        Field(
            default_factory=dict,
            description=(
                "Units of the budget currency that one unit of each listed currency buys,"
                " as the manager sets them; prices in other currencies are not converted."
            ),
        )
    )


# --------------------------------------------------------------------------- rubric


class Level(Model):
    score: int = Field(ge=1, le=5)
    anchor: Text = Field(description="What evidence at this level looks like.")


class RedFlag(Model):
    id: Identifier
    description: Text
    severity: Severity
    sources: list[SourceRef] = Field(min_length=1)


class InterviewQuestion(Model):
    id: Identifier
    text: Text
    strong_answer: Text
    weak_answer: Text
    sources: list[SourceRef] = Field(min_length=1)


class Criterion(Model):
    id: Identifier
    title: ShortText
    question: Text = Field(description="The question this criterion answers for the manager.")
    area: Area
    weight: float = Field(gt=0, le=100, allow_inf_nan=False)
    sources: list[SourceRef] = Field(min_length=1)
    levels: list[Level] = Field(min_length=5, max_length=5)
    red_flags: list[RedFlag] = Field(default_factory=list)
    questions: list[InterviewQuestion] = Field(min_length=1)

    @field_validator("levels")
    @classmethod
    def _levels_one_to_five(cls, levels: list[Level]) -> list[Level]:
        scores = [level.score for level in levels]
        if sorted(scores) != [1, 2, 3, 4, 5]:
            raise ValueError(f"levels must be scored 1, 2, 3, 4 and 5 once each, got {scores}")
        return sorted(levels, key=lambda level: level.score)


class Rubric(Model):
    id: Identifier
    title: ShortText
    applies_to: CandidateKind | Literal["any"] = "any"
    version: int = Field(default=1, ge=1)
    description: str | None = Field(default=None, max_length=5000)
    aggregation: Aggregation = Field(
        default="median", description="How several raters' levels combine per criterion."
    )
    knockout_cap: float | None = Field(
        default=40, ge=0, le=100, description="Highest total a candidate with a knockout gets."
    )
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> Rubric:
        for label, ids in (
            ("criterion", [c.id for c in self.criteria]),
            ("red flag", [f.id for c in self.criteria for f in c.red_flags]),
            ("question", [q.id for c in self.criteria for q in c.questions]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{label} ids must be unique; repeated: {', '.join(dupes)}")
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def flag_severity(self, flag_id: str) -> Severity | None:
        for criterion in self.criteria:
            for flag in criterion.red_flags:
                if flag.id == flag_id:
                    return flag.severity
        return None


# --------------------------------------------------------------------------- evidence


class Finding(Model):
    """One piece of evidence, with everything a manager needs to check it.

    The UI and the packs only present findings; they never recompute them.
    """

    candidate_id: str
    area: Area
    signal: Identifier = Field(description="Which measurement, e.g. 'engagement_rate_median'.")
    subject: str = Field(description="What was measured: '@handle on instagram' or 'portfolio'.")
    value: float | None = None
    unit: str = ""
    comparison: str = Field(default="", description="What the value was compared with.")
    benchmark_source: str | None = None
    benchmark_year: int | None = None
    suggested_level: float | None = Field(default=None, ge=1, le=5)
    flag: Identifier | None = Field(default=None, description="Red-flag id this raises.")
    severity: Severity | None = Field(default=None, description="Default severity of the flag.")
    confidence: float = Field(ge=0, le=1)
    sources: list[SourceRef] = Field(min_length=1)
    detail: str = Field(description="One or two sentences a manager can read.")
    summarised_by: Identifier | None = Field(
        default=None, description="Signal of the summary finding that counts this level."
    )


class RaisedFlag(Model):
    flag: Identifier
    severity: Severity
    area: Area
    criterion_id: str | None
    detail: str
    sources: list[SourceRef]


class CriterionScore(Model):
    criterion_id: str
    title: str
    area: Area
    weight: float
    suggested_level: int | None = Field(description="From the evidence; None when too thin.")
    level: int | None = Field(description="Final level: a rater's override, else suggested.")
    confidence: float = Field(ge=0, le=1)
    findings: list[Finding] = Field(default_factory=list)
    flags: list[RaisedFlag] = Field(default_factory=list)

    @property
    def status(self) -> Literal["scored", "insufficient_evidence"]:
        return "scored" if self.level is not None else "insufficient_evidence"


class Scorecard(Model):
    candidate_id: str
    candidate_name: str
    candidate_kind: CandidateKind
    rubric_id: str
    total: float | None = Field(description="0-100; None when no criterion could be judged.")
    uncapped_total: float | None
    confidence: float = Field(ge=0, le=1, description="Weight share judged on evidence.")
    knockout: bool
    criteria: list[CriterionScore]
    flags: list[RaisedFlag]

    def flags_by_severity(self) -> dict[Severity, list[RaisedFlag]]:
        grouped: dict[Severity, list[RaisedFlag]] = {s: [] for s in SEVERITIES}
        for flag in self.flags:
            grouped[flag.severity].append(flag)
        return grouped


def slugify(text: str) -> str:
    """A stable identifier from a file name.

    >>> slugify("Studio Hana — 한나.json")
    'studio-hana'
    """
    stem = re.sub(r"\.(json|ya?ml)$", "", text, flags=re.IGNORECASE).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    return slug[:80] or "candidate"


def json_schema() -> dict[str, Any]:
    """The JSON Schema a candidate's portfolio must satisfy."""
    schema = Portfolio.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Social media candidate portfolio"
    return schema
