-- The official quantities the paper's claims are judged against, apart from the reconstruction: every all-ages
-- total of a region or the Republic that BNS published (Taldau's national series, press-quoted releases,
-- external balances derived from two BNS sources), and the departures those imply (arrivals minus balance).
-- One row per quantity_code, `direction:region:year` for a full year and `direction:region:year:months` for a
-- part-year; lowest_value and highest_value are the smallest and largest count the figure allows (a figure
-- printed rounded to hundreds allows 50 either way, an `at_least` figure has no upper end).
with constraints as (
    select * from {{ ref('stg_figures__constraints') }}
),

national_flows as (
    select * from {{ ref('stg_bns__national_flows') }}
),

-- The persons by which a printed figure may differ from the count (half the rounding unit, a stated margin):
-- figure_tolerance, the one definition fct_published_figures uses too.
constraints_with_tolerance as (
    select
        *,
        {{ figure_tolerance('comparison_code') }} as tolerance_persons
    from constraints
),

-- Figures that are official counts of whole flows: not the paper's own figures (kept in constraints.csv as
-- targets for the reconstruction), not first prints a revision superseded, not internal migration, not context
-- rows (a count implied by a printed percentage change) and not documented conflicts (CONFLICTS.md). The
-- Republic's full years come from Taldau below (the press rows for them equal or round Taldau's).
published as (
    select
        direction_code,
        region_code,
        year,
        months,
        figure_value,
        case
            when comparison_code = 'at_most' then null
            else figure_value - tolerance_persons
        end as lowest_value,
        case
            when comparison_code = 'at_most' then figure_value
            when comparison_code = 'at_least' or comparison_code like '%_at_least' then null
            else figure_value + tolerance_persons
        end as highest_value,
        comparison_code,
        constraint_id as figure_ids,
        source_id as source_ids,
        case
            when tolerance_persons > 0
                then
                    'printed ' || {{ readable_number('figure_value') }} || ' ±'
                    || {{ readable_number('tolerance_persons') }}
            else ''
        end as derivation
    from constraints_with_tolerance
    where
        source_id <> 'sagandykova_2025'
        and use_code not in ('superseded', 'out_of_scope', 'context', 'conflict')
        and population_code = 'all_ages'
        and country_code = '_T'
        and education_code = '_T'
        and specialty_code = '_T'
        and not (region_code = '00' and months = '01-12')
),

taldau as (
    select
        direction_code,
        region_code,
        year,
        '01-12' as months,
        cast(persons as double) as figure_value,
        cast(persons as double) as lowest_value,
        cast(persons as double) as highest_value,
        'exact' as comparison_code,
        source_id || ':' || year as figure_ids,
        source_id as source_ids,
        '' as derivation
    from national_flows
    where table_code = 'national_total' and region_code = '00' and country_code = '_T'
),

figures as (
    select * from published
    union all
    select * from taldau
),

-- A full year with exact arrivals and an exact balance but no published departures: departures = arrivals - net.
derived_departures as (
    select
        'departure' as direction_code,
        arrivals.region_code,
        arrivals.year,
        '01-12' as months,
        arrivals.figure_value - balance.figure_value as figure_value,
        arrivals.figure_value - balance.figure_value as lowest_value,
        arrivals.figure_value - balance.figure_value as highest_value,
        'exact' as comparison_code,
        arrivals.figure_ids || ', ' || balance.figure_ids as figure_ids,
        arrivals.source_ids || ', ' || balance.source_ids as source_ids,
        'arrivals ' || {{ readable_number('arrivals.figure_value') }} || ' - balance '
        || {{ readable_number('balance.figure_value') }} as derivation
    from figures as arrivals
    inner join figures as balance
        on arrivals.region_code = balance.region_code
        and arrivals.year = balance.year
        and balance.direction_code = 'net'
        and balance.months = '01-12'
        and balance.comparison_code = 'exact'
    where
        arrivals.direction_code = 'arrival'
        and arrivals.months = '01-12'
        and arrivals.comparison_code = 'exact'
        and not exists (
            select 1 from figures as published_departures
            where
                published_departures.direction_code = 'departure'
                and published_departures.region_code = arrivals.region_code
                and published_departures.year = arrivals.year
                and published_departures.months = '01-12'
        )
),

quantities as (
    select * from figures
    union all
    select * from derived_departures
),

-- Two figures for the same quantity (a later print, another outlet) narrow it together: the larger lower bound
-- and the smaller upper bound hold, and both ids are named.
final as (
    select
        direction_code || ':' || region_code || ':' || year
        || case when months = '01-12' then '' else ':' || months end as quantity_code,
        direction_code,
        region_code,
        year,
        months,
        months = '01-12' as is_full_year,
        arg_min(figure_value, figure_ids) as figure_value,
        max(lowest_value) as lowest_value,
        min(highest_value) as highest_value,
        string_agg(figure_ids, ', ' order by figure_ids) as figure_ids,
        string_agg(source_ids, ', ' order by figure_ids) as source_ids,
        coalesce(string_agg(nullif(derivation, ''), '; ' order by figure_ids), '') as derivation
    from quantities
    group by direction_code, region_code, year, months
)

select * from final
