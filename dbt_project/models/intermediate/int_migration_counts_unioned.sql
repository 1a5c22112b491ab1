-- Every migration count in the canonical shape, whatever file it came from. An ingested national series
-- (table national_total in the counts folder) supersedes the bundled seed for the years it covers.
with national_seed as (
    select * from {{ ref('stg_bns__national_flows') }}
),

counts_folder as (
    select * from {{ ref('stg_bns__migration_counts') }}
),

national_seed_not_superseded as (
    select national_seed.*
    from national_seed
    anti join counts_folder
        on national_seed.table_code = counts_folder.table_code
        and national_seed.year = counts_folder.year
        and national_seed.region_code = counts_folder.region_code
        and national_seed.direction_code = counts_folder.direction_code
),

unioned as (
    select * from national_seed_not_superseded
    union all
    select * from counts_folder
)

select * from unioned
