-- Kazakhstan's migration with Germany as both countries record it: Germany's register (Destatis 12711-0008)
-- beside BNS — the warehouse's full-year cell (modeled unless a published figure fixes it) and the longest
-- BNS figure published for the year (full year or part-year). The coverage ratio BNS / Germany is given from
-- the published figure where there is one (a part-year figure scaled to twelve months, and unscaled as a
-- lower bound) and from the warehouse's cell, flagged by its provenance.
with germany as (
    select * from {{ ref('stg_partner__destatis_migration') }}
),

counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

figures as (
    select * from {{ ref('int_published_figures_unioned') }}
),

germany_by_year as (
    select
        year,
        max(arrivals_in_germany_from_kazakhstan) filter (where nationality_code = 'total')
            as germany_arrivals_from_kazakhstan,
        max(arrivals_in_germany_from_kazakhstan) filter (where nationality_code = 'german')
            as germany_arrivals_german_citizens,
        max(arrivals_in_germany_from_kazakhstan) filter (where nationality_code = 'foreign')
            as germany_arrivals_foreign_citizens,
        max(departures_from_germany_to_kazakhstan) filter (where nationality_code = 'total')
            as germany_departures_to_kazakhstan,
        max(balance_of_germany_with_kazakhstan) filter (where nationality_code = 'total')
            as germany_balance_with_kazakhstan
    from germany
    group by year
),

warehouse_by_year as (
    select
        year,
        max(persons) filter (where direction_code = 'departure') as bns_departures_to_germany,
        max(provenance) filter (where direction_code = 'departure') as bns_departures_to_germany_provenance,
        max(persons) filter (where direction_code = 'arrival') as bns_arrivals_from_germany,
        max(provenance) filter (where direction_code = 'arrival') as bns_arrivals_from_germany_provenance
    from counts
    where
        table_code = 'by_country' and region_code = '00' and flow_code = 'external' and country_code = 'DEU'
        and sex_code = '_T' and settlement_code = '_T' and age_band_code = '_T'
        and education_code = '_T' and specialty_code = '_T'
    group by year
),

-- BNS's own figures for the Republic's flows with Germany (first prints replaced by a revision excluded),
-- the one covering the most months of each year and direction.
published as (
    select
        figure_id,
        year,
        direction_code,
        figure_value,
        months,
        cast(right(months, 2) as integer) - cast(left(months, 2) as integer) + 1 as months_covered
    from figures
    where
        recording_country_code = 'KAZ' and region_code = '00' and country_code = 'DEU'
        and population_code = 'all_ages' and direction_code in ('arrival', 'departure')
        and coalesce(use_code, '') not in ('superseded', 'conflict', 'context')
),

longest_published as (
    select
        *,
        row_number() over (
            partition by year, direction_code order by months_covered desc, figure_id asc
        ) as longest_rank
    from published
),

published_by_year as (
    select
        year,
        max(figure_value) filter (where direction_code = 'departure') as published_bns_departures_to_germany,
        max(months) filter (where direction_code = 'departure') as published_departures_months,
        max(months_covered) filter (where direction_code = 'departure') as published_departures_months_covered,
        max(figure_id) filter (where direction_code = 'departure') as published_departures_figure_id,
        max(figure_value) filter (where direction_code = 'arrival') as published_bns_arrivals_from_germany,
        max(months) filter (where direction_code = 'arrival') as published_arrivals_months,
        max(months_covered) filter (where direction_code = 'arrival') as published_arrivals_months_covered,
        max(figure_id) filter (where direction_code = 'arrival') as published_arrivals_figure_id
    from longest_published
    where longest_rank = 1
    group by year
),

joined as (
    select
        year,
        germany_by_year.* exclude (year),
        warehouse_by_year.* exclude (year),
        published_by_year.* exclude (year)
    from warehouse_by_year
    full outer join germany_by_year using (year)
    left join published_by_year using (year)
),

final as (
    select
        year,
        cast(germany_arrivals_from_kazakhstan as bigint) as germany_arrivals_from_kazakhstan,
        cast(germany_arrivals_german_citizens as bigint) as germany_arrivals_german_citizens,
        cast(germany_arrivals_foreign_citizens as bigint) as germany_arrivals_foreign_citizens,
        cast(germany_departures_to_kazakhstan as bigint) as germany_departures_to_kazakhstan,
        cast(germany_balance_with_kazakhstan as bigint) as germany_balance_with_kazakhstan,
        cast(bns_departures_to_germany as bigint) as bns_departures_to_germany,
        bns_departures_to_germany_provenance,
        bns_departures_to_germany_provenance = 'modeled' as is_bns_departures_to_germany_modeled,
        cast(bns_arrivals_from_germany as bigint) as bns_arrivals_from_germany,
        bns_arrivals_from_germany_provenance,
        bns_arrivals_from_germany_provenance = 'modeled' as is_bns_arrivals_from_germany_modeled,
        cast(published_bns_departures_to_germany as bigint) as published_bns_departures_to_germany,
        published_departures_months,
        published_departures_figure_id,
        published_bns_departures_to_germany * 12 / published_departures_months_covered
            as published_bns_departures_to_germany_per_year,
        cast(published_bns_arrivals_from_germany as bigint) as published_bns_arrivals_from_germany,
        published_arrivals_months,
        published_arrivals_figure_id,
        published_bns_arrivals_from_germany * 12 / published_arrivals_months_covered
            as published_bns_arrivals_from_germany_per_year,
        round(
            published_bns_departures_to_germany * 12 / published_departures_months_covered
            / nullif(germany_arrivals_from_kazakhstan, 0), 3
        ) as published_departure_coverage_ratio,
        round(published_bns_departures_to_germany / nullif(germany_arrivals_from_kazakhstan, 0), 3)
            as published_departure_coverage_lower_bound_ratio,
        round(bns_departures_to_germany / nullif(germany_arrivals_from_kazakhstan, 0), 3)
            as warehouse_departure_coverage_ratio,
        round(
            published_bns_arrivals_from_germany * 12 / published_arrivals_months_covered
            / nullif(germany_departures_to_kazakhstan, 0), 3
        ) as published_arrival_coverage_ratio,
        round(published_bns_arrivals_from_germany / nullif(germany_departures_to_kazakhstan, 0), 3)
            as published_arrival_coverage_lower_bound_ratio,
        round(bns_arrivals_from_germany / nullif(germany_departures_to_kazakhstan, 0), 3)
            as warehouse_arrival_coverage_ratio
    from joined
)

select * from final
