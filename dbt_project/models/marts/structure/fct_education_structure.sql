with education_by_year as (
    select * from {{ ref('int_structure__education_by_region_year') }}
),

measured as (
    select
        *,
        {{ structure_education_measures() }}
    from education_by_year
),

final as (
    select
        region_code,
        region_name_en,
        year,
        working_age_arrivals,
        working_age_departures,
        working_age_net_migration,
        {%- for level in ['higher', 'secondary_vocational'] %}
        {{ level }}_arrivals,
        {{ level }}_departures,
        {{ level }}_net_migration,
        {{ level }}_share_of_arrivals_pct,
        {{ level }}_share_of_departures_pct,
        {{ level }}_departure_to_arrival_share_ratio,
        {{ level }}_arrivals_per_departure,
        {%- endfor %}
        specialist_share_of_arrivals_pct,
        specialist_share_of_departures_pct,
        is_published
    from measured
)

select * from final
