with specialty_counts as (
    select * from {{ ref('int_structure__specialty_counts') }}
),

specialties as (
    select * from specialty_counts
    where specialty_code <> '_T'
),

measured as (
    select
        *,
        {{ structure_specialty_measures('year') }}
    from specialties
),

final as (
    select
        region_code,
        region_name_en,
        year,
        specialty_code,
        specialty_name_en,
        arrivals,
        departures,
        cast(net_migration as bigint) as net_migration,
        share_of_arrivals_pct,
        share_of_departures_pct,
        arrivals_per_departure,
        is_published
    from measured
)

select * from final
