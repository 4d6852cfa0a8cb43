"""Cases fixtures: the Kaiyuan center with its demo catalog, and a way to take in a case."""

import pytest

from servicehall.cases import services
from servicehall.core import clock

MONDAY = "2026-11-23T09:30"  # a Monday in winter hours (pm session ends 17:30)
PERSON = services.Applicant(name="张三丰", id_number="11010519491231002X", phone="13812345678")
# KY-CL-001 残疾人证新办 at 5号窗口 残联 (A 陈建伟, B 华静娴): committed 10, statutory 20 working days.
# M01 申请表, M02 身份证, M03 户口簿, M04 照片 are required; M05 监护人身份证 only for minors.
ALL_REQUIRED = ["M01", "M02", "M03", "M04"]


@pytest.fixture
def kaiyuan(demo):
    from servicehall.catalog import demo as catalog_demo

    catalog_demo.load()
    return demo


@pytest.fixture
def intake(kaiyuan, user_named):
    """Take in a case at 09:30 on Monday 2026-11-23 (or ``at``) as 陈建伟 unless told otherwise."""

    def take(materials=ALL_REQUIRED, item="KY-CL-001", user="chenjianwei", at=MONDAY, **kw):
        with clock.freeze(at):
            return services.case_intake(
                actor=user_named(user),
                center=kaiyuan,
                item=item,
                applicant=kw.pop("applicant", PERSON),
                materials=materials,
                **kw,
            )

    return take
