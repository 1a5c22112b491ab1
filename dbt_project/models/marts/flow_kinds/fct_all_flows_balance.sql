with balances as (
    select * from {{ ref('int_all_flows_balance') }}
),

population as (
    select * from {{ ref('int_population_by_region_year') }}
    where sex_code = '_T'
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

final as (
    select
        balances.region_code,
        regions.region_name_en,
        balances.year,
        balances.settlement_code,
        balances.net_persons,
        population.residents_on_1_january,
        {{ safe_ratio('1000 * balances.net_persons', 'population.residents_on_1_january') }}
            as net_persons_per_1000_residents,
        population.source_id as population_source_id,
        balances.is_region_set_complete,
        balances.layer_code,
        balances.source_id,
        balances.provenance
    from balances
    inner join regions on balances.region_code = regions.region_code
    left join population
        on balances.region_code = population.region_code
        and balances.year = population.year
        and balances.settlement_code = population.settlement_code
)

select * from final
