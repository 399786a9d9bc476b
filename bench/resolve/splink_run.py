"""Splink 5 (DuckDB) on a FEBRL-shaped file (deduplication) or two
(linkage), with the comparisons and blocking rules of person.toml as far as
Splink's library has them (see README.md).

    splink_run.py --input A.csv [--input B.csv] --out pairs.csv
                  [--variant best|address] [--count]

Writes left_id,right_id,match_weight,match_probability for pairs at
probability >= 0.5. With --count it only counts the pairs its blocking rules
bring and prints `pairs compared: N`, so that counting stays out of the
timed run.
"""

import argparse
import logging
import sys

import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.blocking_analysis import count_comparisons_from_blocking_rules

# Splink expects standardised input: trimmed, one case, empty as null.
# Postcodes get one space before the inward code, as the sector and district
# levels read them; other countries' postcodes are left as they are.
PREPARE = """
create table {table} as
with raw as (
    select *, nullif(regexp_replace(upper(postcode), '\\s', '', 'g'), '') as pc
    from read_csv('{path}', all_varchar = true, header = true)
)
select
    trim(rec_id) as rec_id,
    nullif(lower(trim(given_name)), '') as given_name,
    nullif(lower(trim(surname)), '') as surname,
    nullif(trim(street_number), '') as street_number,
    nullif(lower(trim(address_1)), '') as address_1,
    nullif(lower(trim(address_2)), '') as address_2,
    nullif(lower(trim(suburb)), '') as suburb,
    case when regexp_full_match(pc, '[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}')
         then left(pc, length(pc) - 3) || ' ' || right(pc, 3)
         else pc end as postcode,
    nullif(lower(trim(state)), '') as state,
    nullif(trim(date_of_birth), '') as date_of_birth,
    nullif(upper(replace(soc_sec_id, ' ', '')), '') as soc_sec_id
from raw
"""

UK_SHARE = """
select coalesce(avg(case when regexp_full_match(
    postcode, '[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}') then 1.0 else 0.0 end), 0)
from input_0 where postcode is not null
"""

# The blocking rules of person.toml, in its order.
BLOCKING = [
    block_on("surname", "date_of_birth"),
    block_on("given_name", "date_of_birth"),
    block_on("soc_sec_id"),
    # ni any order: the number's characters sorted.
    block_on("array_to_string(list_sort(string_split(soc_sec_id, '')), '')"),
    block_on("substr(soc_sec_id, 1, 5)", "substr(surname, 1, 1)"),
    block_on("substr(soc_sec_id, 1, 4)", "street_number"),
    # names+dob takes the names in either order: two rules here.
    block_on("given_name", "surname", "date_of_birth"),
    CustomRule(
        "l.given_name = r.surname and l.surname = r.given_name"
        " and l.date_of_birth = r.date_of_birth"
    ),
    block_on("postcode", "surname"),
    block_on("postcode", "given_name"),
    block_on("date_of_birth", "postcode"),
    block_on("date_of_birth", "street_number"),
]
# EM sessions, as person.toml's [training] sessions.
SESSIONS = [
    block_on("soc_sec_id"),
    block_on("surname", "date_of_birth"),
    block_on("postcode", "given_name"),
]
# Pairs these agree on are nearly all matches; Splink estimates the prior
# from them, assuming they find this share of all matches.
DETERMINISTIC = [
    block_on("soc_sec_id"),
    block_on("given_name", "surname", "date_of_birth"),
]
DETERMINISTIC_RECALL = 0.8
U_PAIRS = 1e7
SEED = 1


def comparisons(uk_postcodes: bool, variant: str) -> list:
    postcode = (
        cl.PostcodeComparison("postcode")
        if uk_postcodes
        else cl.ExactMatch("postcode").configure(term_frequency_adjustments=True)
    )
    out = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison(
            "date_of_birth",
            input_is_string=True,
            datetime_format="%Y%m%d",
            invalid_dates_as_null=True,
        ),
        cl.ExactMatch("soc_sec_id"),
        postcode,
    ]
    if variant == "address":
        # What a first model often looks like: every address column as its
        # own, supposedly independent, piece of evidence.
        out += [
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9]),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
            cl.ExactMatch("state"),
        ]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", action="append", required=True)
    ap.add_argument("--out")
    ap.add_argument("--variant", choices=["best", "address"], default="best")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--count", action="store_true")
    args = ap.parse_args()
    if len(args.input) not in (1, 2):
        sys.exit("give one --input to deduplicate or two to link")
    if not args.count and not args.out:
        sys.exit("give --out, or --count")

    con = duckdb.connect()
    for i, path in enumerate(args.input):
        con.execute(PREPARE.format(table=f"input_{i}", path=path.replace("'", "''"))).fetchall()
    # DuckDB keeps a result open until it is read to the end.
    uk = con.execute(UK_SHARE).fetchall()[0][0] > 0.5

    db_api = DuckDBAPI(connection=con)
    tables = [db_api.register(f"input_{i}") for i in range(len(args.input))]
    link_type = "link_only" if len(tables) == 2 else "dedupe_only"
    inputs = tables if len(tables) == 2 else tables[0]

    if args.count:
        counts = count_comparisons_from_blocking_rules(
            inputs,
            blocking_rules=BLOCKING,
            link_type=link_type,
            unique_id_column_name="rec_id",
            source_dataset_column_name="source_dataset" if len(tables) == 2 else None,
            record_sample_proportion=1.0,
        )
        print(f"pairs compared: {counts[-1]['cumulative_comparison_count']}")
        return

    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="rec_id",
        comparisons=comparisons(uk, args.variant),
        blocking_rules_to_generate_predictions=BLOCKING,
        retain_matching_columns=False,
    )
    linker = Linker(inputs, settings, log_level=logging.INFO)
    linker.training.estimate_probability_two_random_records_match(
        DETERMINISTIC, recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED)
    for rule in SESSIONS:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=args.threshold)
    out = args.out.replace("'", "''")
    con.execute(
        f"""
        copy (
            select rec_id_l as left_id, rec_id_r as right_id,
                   match_weight, match_probability
            from {predictions.physical_name}
        ) to '{out}' (header, delimiter ',')
        """
    ).fetchall()


if __name__ == "__main__":
    main()
