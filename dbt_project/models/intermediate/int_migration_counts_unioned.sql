-- Every migration count in the canonical shape, whatever file it came from.
with national_series as (
    select * from {{ ref('stg_bns__national_flows') }}
),

regional_tables as (
    select * from {{ ref('stg_bns__migration_counts') }}
),

unioned as (
    select * from national_series
    union all
    select * from regional_tables
)

select * from unioned
