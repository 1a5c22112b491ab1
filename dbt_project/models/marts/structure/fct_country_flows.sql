with country_counts as (
    select * from {{ ref('int_structure__country_counts') }}
),

countries as (
    select * from country_counts
    where country_code <> '_T'
),

measured as (
    select
        * exclude (display_order),
        {{ structure_country_shares('year') }}
    from countries
),

final as (
    select * replace (cast(persons as bigint) as persons) from measured
)

select * from final
