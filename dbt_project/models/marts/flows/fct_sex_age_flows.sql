with ages as (
    select * from {{ ref('int_single_year_age_flows') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

-- Five-year bands 0–4 … 75–79 and the open band 80+ (the table's own top band).
banded as (
    select
        region_code,
        year,
        sex_code,
        least(age_from // 5 * 5, 80) as band_from,
        arrivals,
        departures
    from ages
),

pivoted as (
    select
        region_code,
        year,
        band_from,
        cast(coalesce(sum(arrivals) filter (where sex_code = 'M'), 0) as bigint) as arrivals_male,
        cast(coalesce(sum(arrivals) filter (where sex_code = 'F'), 0) as bigint) as arrivals_female,
        cast(coalesce(sum(departures) filter (where sex_code = 'M'), 0) as bigint) as departures_male,
        cast(coalesce(sum(departures) filter (where sex_code = 'F'), 0) as bigint) as departures_female
    from banded
    group by region_code, year, band_from
),

final as (
    select
        pivoted.region_code,
        regions.region_name_en,
        pivoted.year,
        case
            when pivoted.band_from >= 80 then 'Y80_GE'
            else 'Y' || pivoted.band_from || '_' || (pivoted.band_from + 4)
        end as age_band_code,
        cast(pivoted.band_from as integer) as age_from,
        cast(case when pivoted.band_from < 80 then pivoted.band_from + 5 end as integer) as age_to,
        {{ sex_flow_measures('pivoted') }}
    from pivoted
    inner join regions on pivoted.region_code = regions.region_code
)

select * from final
