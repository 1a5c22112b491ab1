-- External arrivals and departures of working age per region and year, derived from the tables by sex
-- and age under the rule set chosen with the var working_age_rule_set. A bound inside an age band (60.5)
-- takes a share of the band's persons; the shares are added up in exact decimal arithmetic (so the order in
-- which DuckDB's threads add them cannot change the last digit), and each table's total is rounded to whole
-- persons once, at the end (halves away from zero): counts of persons are integers.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

rules as (
    select * from {{ ref('stg_reference__working_age_rules') }}
    where rule_set_code = '{{ var("working_age_rule_set") }}'
),

age_bands as (
    select
        table_code,
        region_code,
        year,
        direction_code,
        sex_code,
        age_from,
        age_to,
        persons
    from counts
    where
        flow_code = 'external'
        and direction_code in ('arrival', 'departure')
        and sex_code in ('M', 'F')
        and age_band_code not in ('_T', 'WA')
        and country_code = '_T'
        and settlement_code = '_T'
        and education_code = '_T'
        and specialty_code = '_T'
),

weighted as (
    select
        age_bands.table_code,
        age_bands.region_code,
        age_bands.year,
        age_bands.direction_code,
        age_bands.persons * cast({{ working_age_share(
            'age_bands.age_from', 'age_bands.age_to', 'rules.lower_age', 'rules.upper_age') }} as decimal(18, 9))
            as working_age_persons
    from age_bands
    inner join rules
        on age_bands.year = rules.year
        and age_bands.sex_code = rules.sex_code
),

per_table as (
    select
        table_code,
        region_code,
        year,
        cast(round(sum(working_age_persons) filter (where direction_code = 'arrival')) as bigint) as arrivals,
        cast(round(sum(working_age_persons) filter (where direction_code = 'departure')) as bigint) as departures
    from weighted
    group by table_code, region_code, year
),

-- Should two tables by age cover the same region-year, use one of them (the first by name) rather than
-- adding them up.
final as (
    select
        region_code,
        year,
        arrivals,
        departures
    from per_table
    qualify row_number() over (partition by region_code, year order by table_code) = 1
)

select * from final
