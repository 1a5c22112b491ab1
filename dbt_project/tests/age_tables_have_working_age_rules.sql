-- Every year and sex of a table by age must find its working-age bounds in the selected rule set;
-- otherwise the working-age filter's join would drop those migrants without a word.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

rules as (
    select * from {{ ref('stg_reference__working_age_rules') }}
    where rule_set_code = '{{ var("working_age_rule_set") }}'
),

age_years as (
    select distinct year, sex_code
    from counts
    where sex_code in ('M', 'F') and age_band_code not in ('_T', 'WA')
)

select age_years.*
from age_years
anti join rules using (year, sex_code)
