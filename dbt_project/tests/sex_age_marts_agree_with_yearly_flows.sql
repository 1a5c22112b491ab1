-- The marts by sex and age and fct_yearly_flows tell one story: the working-age group of
-- fct_sex_working_age_flows equals the working-age flows of fct_yearly_flows, and the three age groups add up
-- to the five-year bands of fct_sex_age_flows, sex by sex. Returns the region-years where they differ.
with groups as (
    select
        region_code,
        year,
        sum(arrivals_male) as arrivals_male,
        sum(arrivals_female) as arrivals_female,
        sum(departures_male) as departures_male,
        sum(departures_female) as departures_female,
        sum(arrivals) filter (where age_group_code = 'working_age') as working_age_arrivals,
        sum(departures) filter (where age_group_code = 'working_age') as working_age_departures
    from {{ ref('fct_sex_working_age_flows') }}
    group by region_code, year
),

bands as (
    select
        region_code,
        year,
        sum(arrivals_male) as arrivals_male,
        sum(arrivals_female) as arrivals_female,
        sum(departures_male) as departures_male,
        sum(departures_female) as departures_female
    from {{ ref('fct_sex_age_flows') }}
    group by region_code, year
),

yearly as (
    select
        region_code,
        year,
        arrivals,
        departures
    from {{ ref('fct_yearly_flows') }}
    where age_scope_code = 'working_age'
),

final as (
    select
        groups.region_code,
        groups.year
    from groups
    full outer join bands using (region_code, year)
    full outer join yearly using (region_code, year)
    where
        abs(groups.arrivals_male - bands.arrivals_male) > 1e-6
        or abs(groups.arrivals_female - bands.arrivals_female) > 1e-6
        or abs(groups.departures_male - bands.departures_male) > 1e-6
        or abs(groups.departures_female - bands.departures_female) > 1e-6
        or abs(groups.working_age_arrivals - yearly.arrivals) > 1e-6
        or abs(groups.working_age_departures - yearly.departures) > 1e-6
        or groups.region_code is null
        or bands.region_code is null
        or yearly.region_code is null
)

select * from final
