-- Every claim's computed value, one row per reported element (and per year for elements stated per year).
-- The definitions are the topic models int_claim_values__*; int_claim_checks compares them with the paper.
with balance as (
    select * from {{ ref('int_claim_values__balance') }}
),

education as (
    select * from {{ ref('int_claim_values__education') }}
),

countries as (
    select * from {{ ref('int_claim_values__countries') }}
),

specialties as (
    select * from {{ ref('int_claim_values__specialties') }}
),

causal as (
    select * from {{ ref('int_claim_values__causal') }}
),

unioned as (
    select * from balance
    union all by name
    select * from education
    union all by name
    select * from countries
    union all by name
    select * from specialties
    union all by name
    select * from causal
),

final as (
    select
        cast(claim_id as varchar) as claim_id,
        cast(element_number as integer) as element_number,
        cast(entry_year as integer) as entry_year,
        cast(value_label as varchar) as value_label,
        cast(value_number as double) as value_number,
        cast(value_flag as boolean) as value_flag,
        cast(note as varchar) as note,
        cast(coalesce(is_assumption_rejected, false) as boolean) as is_assumption_rejected
    from unioned
)

select * from final
