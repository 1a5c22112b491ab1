with yearly as (
    select * from {{ ref('int_flows_by_region_year_scope') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

signed as (
    select
        region_code,
        age_scope_code,
        year,
        arrivals,
        departures,
        sign({{ net_migration('arrivals', 'departures') }}) as net_sign
    from yearly
),

-- Gaps and islands: within a run of consecutive years of one sign, year minus the row number inside that
-- sign is constant. A missing year or a change of sign starts a new run.
islands as (
    select
        *,
        year - row_number() over (partition by region_code, age_scope_code, net_sign order by year) as island_key
    from signed
),

regimes as (
    select
        islands.region_code,
        islands.age_scope_code,
        islands.net_sign,
        islands.island_key,
        min(islands.year) as start_year,
        max(islands.year) as end_year,
        {{ flow_aggregates('islands') }}
    from islands
    group by all
),

final as (
    select
        regimes.* exclude (regimes.net_sign, regimes.island_key) rename (regimes.years_covered as length_years),
        regions.region_name_en,
        cast(
            row_number() over (partition by regimes.region_code, regimes.age_scope_code order by regimes.start_year)
            as integer
        ) as regime_number,
        case regimes.net_sign
            when 1 then 'net_inflow'
            when -1 then 'net_outflow'
            else 'balanced'
        end as regime_direction
    from regimes
    inner join regions on regimes.region_code = regions.region_code
)

select * from final
