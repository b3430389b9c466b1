"""All configuration, read from the environment (prefix READINESS_) or a .env file."""

import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_DIR / "data"

NATIONAL = "all"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="READINESS_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{DATA_DIR / 'readiness.db'}"
    # Official province code ("1" or "01" is Hà Nội), or "all" for national mode.
    province: str = "1"
    catalog_path: Path = DATA_DIR / "criteria.toml"
    # The departments and agencies that lead tasks of the plan (the communes are units as well).
    units_path: Path = DATA_DIR / "units.toml"
    # The two-tier local government started on this day; nothing is reported before it.
    start_date: date = date(2025, 7, 1)
    # Largest accepted workbook: the upload page's limit, and the importer's for any route.
    upload_limit_mb: int = 10
    # Largest accepted boundary GeoJSON (a national file of 3,321 communes is tens of MB); server.maxUploadSize in
    # .streamlit/config.toml is kept equal to it, the workbook uploader sets its own lower limit.
    boundary_limit_mb: int = 80
    # A commune that has not reported for this many days goes on the warning list.
    stale_after_days: int = 7
    # A criterion not green whose deadline falls within this many days puts its commune on the warning list
    # ("at risk"), before it is overdue.
    at_risk_days: int = 14
    # Communes report every week by the end of this weekday, Vietnam time (0 Monday … 6 Sunday; 4 Friday).
    report_due_weekday: int = Field(default=4, ge=0, le=6)
    # Dates ("as of today") and times are shown in this zone.
    timezone: str = "Asia/Ho_Chi_Minh"
    # Megabytes of query results (status frames, figures) each server process keeps for all its sessions; the
    # least recently used are dropped beyond it. A national status frame takes ≈ 35 MB, a province's ≈ 1.5 MB.
    cache_mb: int = 256
    # Seconds a writer waits for SQLite's lock before giving up.
    sqlite_busy_timeout_s: int = 30
    # This many wrong passwords in a row lock an account for lockout_minutes, against clients that sent wrong
    # passwords lately (readiness.access.auth); lockout_minutes is also the longest delay of a client.
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    # Wrong passwords from one client address (any account names) before each further attempt from it waits
    # login_delay_seconds, doubling with every further one (readiness.access.throttle).
    client_max_failed_logins: int = Field(default=10, ge=1)
    login_delay_seconds: int = Field(default=5, ge=1)
    # Behind a reverse proxy: the header holding the client's address (X-Forwarded-For: its last address),
    # believed only from these proxies' own addresses. Empty header: the connection's peer is the client.
    trusted_proxy_header: str = ""
    trusted_proxies: str = "127.0.0.1,::1"
    password_min_length: int = 10
    # Which submissions count in every figure: "reported" (all but those the DOST returned) or "approved".
    counts: Literal["reported", "approved"] = "reported"
    # Largest evidence file (PDF, JPEG, PNG) accepted.
    evidence_limit_mb: int = 5
    # Images above this many megapixels are refused before they are decoded (a small file can hold a huge image).
    evidence_max_pixels: int = 40_000_000
    # Evidence a commune may store in all, in megabytes.
    evidence_quota_mb: int = 200
    # Messages one account may post in an hour.
    messages_per_hour: int = 30
    # Review flags (readiness.intake.flags): a value or share moving by more than this share of its target in one
    # report is a "jump"; a reporting date more than this many days before arrival is "backdated".
    jump_share: float = 0.5
    backdate_days: int = 14
    # A login session ends after this many hours without a click, and after this many days in any case.
    session_idle_hours: float = 8
    session_max_days: float = 7
    # Argon2id parameters (argon2-cffi's defaults, RFC 9106 low-memory profile). Stored hashes made with other
    # parameters are rehashed at their owner's next successful login.
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536
    argon2_parallelism: int = 4
    # Hash computations at once per process (default: one per core); more logins at once wait their turn.
    argon2_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # The weekly warning list goes out by e-mail through this SMTP server (empty host: sending is off).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = True
    smtp_from: str = "readiness@localhost"
    smtp_timeout_s: float = 30
    # Addresses (comma-separated) of the DOST and the leaders: they get the whole warning list with the Excel.
    warning_recipients: str = ""
    # The official report (Nghị định 30/2020/NĐ-CP). Empty parent body, place and addressee are derived from the
    # province's name ("UBND THÀNH PHỐ HÀ NỘI", "Hà Nội", "Ủy ban nhân dân Thành phố Hà Nội").
    report_parent_body: str = ""
    report_issuing_body: str = "Sở Khoa học và Công nghệ"
    # The issuing body's abbreviation in the document symbol "Số: 12/BC-SKHCN".
    report_issuer_code: str = "SKHCN"
    report_place: str = ""
    report_addressee: str = ""
    # "Nơi nhận" lines, separated by ";" ("- Lưu: VT, ..." is added from report_archive).
    report_copies: str = "Như trên;Bộ Khoa học và Công nghệ (để b/c);Các xã, phường"
    report_archive: str = "VT, VP"
    # Signer's authority and title; ";" starts a new line ("KT. GIÁM ĐỐC;PHÓ GIÁM ĐỐC"). Empty name: a blank to fill.
    report_signer_title: str = "GIÁM ĐỐC"
    report_signer_name: str = ""
    # The command line's failures are logged here in detail (traceback, SQL), each under the reference its one-line
    # message gives; empty: nowhere (run again with --debug to see them).
    log_file: Path | None = None
    # The API (/api/v1): requests a minute per token (counted in the database, across replicas), and the origins
    # (comma-separated, e.g. https://ioc.hanoi.gov.vn) whose pages may call it from a browser; empty: CORS off.
    api_rate_limit_per_minute: int = Field(default=120, ge=1)
    api_cors_origins: str = ""
    # Static font files made once from variable font packages (the official report's serif) are kept here.
    cache_dir: Path = DATA_DIR / "cache"

    @field_validator("province")
    @classmethod
    def _normalise_province(cls, value: str) -> str:
        value = value.strip().lower()
        if value == NATIONAL:
            return NATIONAL
        if not value.isdigit():
            raise ValueError(f"READINESS_PROVINCE must be a province code such as 1 or 'all', not {value!r}")
        return f"{int(value):02d}"

    @field_validator("report_due_weekday", mode="before")
    @classmethod
    def _weekday_by_name(cls, value: object) -> object:
        names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        if isinstance(value, str) and value.strip().lower() in names:
            return names.index(value.strip().lower())
        return value

    @field_validator("warning_recipients")
    @classmethod
    def _one_address_each(cls, value: str) -> str:
        # Imported here: addresses' messages come from i18n, which reads these settings.
        from readiness.core.addresses import AddressError, email_address

        try:
            return ",".join(email_address(part) for part in value.split(",") if part.strip())
        except AddressError as exc:
            raise ValueError(f"READINESS_WARNING_RECIPIENTS: {exc.en}") from None

    @property
    def warning_recipient_list(self) -> list[str]:
        return [address for address in self.warning_recipients.split(",") if address]

    @property
    def national(self) -> bool:
        return self.province == NATIONAL


@lru_cache
def get_settings() -> Settings:
    return Settings()
