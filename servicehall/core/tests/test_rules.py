"""SEC rules as pure functions: no database."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from servicehall.core.rules import (
    GENESIS_HASH,
    LockState,
    after_failed_login,
    event_hash,
    first_broken_link,
    is_locked,
    mask_id_number,
    mask_name,
    mask_phone,
    password_classes,
)

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


def test_sec_1_password_needs_three_of_four_classes():
    assert password_classes("Demo@2026") == 4
    assert password_classes("abcdefgh") == 1
    assert password_classes("abcd1234") == 2
    assert password_classes("Abcd1234") == 3
    assert password_classes("密码abc123") == 3  # non-ASCII counts as "other"


def test_sec_1_fifth_failure_locks_for_thirty_minutes():
    state = LockState(0, None)
    for _ in range(4):
        state = after_failed_login(state, NOW, limit=5, lock_minutes=30)
        assert not is_locked(state, NOW)
    state = after_failed_login(state, NOW, limit=5, lock_minutes=30)
    assert is_locked(state, NOW)
    assert is_locked(state, NOW + dt.timedelta(minutes=29, seconds=59))
    assert not is_locked(state, NOW + dt.timedelta(minutes=30))


def test_sec_1_failures_after_an_expired_lock_count_afresh():
    locked = LockState(5, NOW)
    later = NOW + dt.timedelta(minutes=1)
    assert after_failed_login(locked, later, limit=5, lock_minutes=30) == LockState(1, None)


def _chain(payloads):
    prev, out = GENESIS_HASH, []
    for fields in payloads:
        h = event_hash(prev, fields)
        out.append((prev, fields, h))
        prev = h
    return out


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers()), min_size=1, max_size=20), st.data())
def test_sec_2_any_forged_field_breaks_the_chain_at_that_event(payloads, data):
    chain = _chain(payloads)
    assert first_broken_link(chain) is None
    i = data.draw(st.integers(0, len(chain) - 1))
    prev, fields, h = chain[i]
    forged = {**fields, "forged": True}
    chain[i] = (prev, forged, h)
    assert first_broken_link(chain) == i


def test_sec_2_a_removed_event_breaks_the_chain_where_it_was():
    chain = _chain([{"n": n} for n in range(5)])
    del chain[2]
    assert first_broken_link(chain) == 2


def test_sec_5_masking():
    assert mask_id_number("110105199001011234") == "110105********1234"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧***"


def test_sec_5_the_log_masks_by_field_name_and_in_free_text_and_bounds_every_text():
    from servicehall.core.rules import LOG_TEXT_LIMIT, log_safe

    kept = log_safe(
        {
            "applicant_number": "11010519491231002X",
            "visitor_phone": "13812345678",
            "query_code": "AB12CD34",
            "note": "来电 13987654321，身份证 33010219880715431X，号码 KAIYUAN-2026-000123",
            "name": "名" * 200_000,
            "list": [{"phone": "13800001111"}] * 3,
            "count": 7,
        },
        key=b"k",
    )
    assert kept["applicant_number"] == "110105********002X"
    assert kept["visitor_phone"] == "138****5678"
    assert kept["query_code"].startswith("hmac:") and "AB12CD34" not in kept["query_code"]
    assert kept["query_code"] == log_safe({"query_code": "AB12CD34"}, key=b"k")["query_code"]
    assert kept["note"] == "来电 139****4321，身份证 330102********431X，号码 KAIYUAN-2026-000123"
    assert len(kept["name"]) < LOG_TEXT_LIMIT + 20 and kept["name"].endswith(f"(+{200_000 - LOG_TEXT_LIMIT})")
    assert kept["list"] == [{"phone": "138****1111"}] * 3 and kept["count"] == 7
