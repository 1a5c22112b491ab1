with interregional as (
    select * from {{ ref('int_interregional_flows_by_region_year') }}
),

population as (
    select * from {{ ref('int_population_by_region_year') }}
    where sex_code = '_T' and settlement_code = '_T'
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

final as (
    select
        interregional.region_code,
        regions.region_name_en,
        interregional.year,
        interregional.arrivals,
        interregional.departures,
        interregional.net_persons,
        interregional.months_summed,
        population.residents_on_1_january,
        {{ safe_ratio('1000 * interregional.arrivals', 'population.residents_on_1_january') }}
            as arrivals_per_1000_residents,
        {{ safe_ratio('1000 * interregional.departures', 'population.residents_on_1_january') }}
            as departures_per_1000_residents,
        {{ safe_ratio('1000 * interregional.net_persons', 'population.residents_on_1_january') }}
            as net_persons_per_1000_residents,
        population.source_id as population_source_id,
        interregional.source_id,
        interregional.provenance
    from interregional
    inner join regions on interregional.region_code = regions.region_code
    left join population
        on interregional.region_code = population.region_code
        and interregional.year = population.year
)

select * from final
