#!/usr/bin/env python3
"""Writes a member sheet of N generated people for the import benchmark.

    scripts/gen-members-csv.py N BRANCH_CODES_FILE OUT.csv

BRANCH_CODES_FILE holds one 组织编号 (county-id) per line; the rows are spread over them.
The resident IDs are valid (check character computed) and unlike the demo city's
(birth years 1960-2003 from a region code the demo does not use), so every row is new.
"""
import random
import sys
from datetime import date, timedelta

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文"


def resident_id(region: str, born: date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    total = sum(int(c) * w for c, w in zip(body, WEIGHTS))
    return body + CHECK[total % 11]


def main() -> None:
    n, codes_file, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    codes = [c.strip() for c in open(codes_file, encoding="utf-8") if c.strip()]
    rng = random.Random(20170808)
    used = set()
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("姓名,公民身份号码,所在党组织,党员类别,入党时间,转正时间,手机号码\r\n")
        i = 0
        while i < n:
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 16000))
            seq = rng.randrange(0, 1000)
            rid = resident_id("330899", born, seq)
            if rid in used:
                continue
            used.add(rid)
            joined = born + timedelta(days=365 * 19 + rng.randrange(0, 3650))
            if joined > date(2025, 6, 1):
                joined = date(2025, 6, 1) - timedelta(days=rng.randrange(0, 400))
            confirmed = joined + timedelta(days=366)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            phone = f"1{rng.choice('358')}{rng.randrange(0, 10**9):09d}"
            f.write(f"{name},{rid},{codes[i % len(codes)]},正式党员,{joined:%Y-%m-%d},{confirmed:%Y-%m-%d},{phone}\r\n")
            i += 1


main()
