-- Net migration over all flows (internal + external) by region, year and urban/rural, in layers: the
-- all-flows balance of an ingested iblock export (official set) wins, the bundled extract fills the rest.
-- It is its own kind of flow, never external migration. Regions add up to the Republic over all flows
-- (moves between regions cancel in the sum), but an export may list only some places: a year is
-- checked against the Republic only where every region of that year is present (is_region_set_complete).
with official as (
    select
        year,
        region_code,
        settlement_code,
        persons as net_persons,
        source_id,
        provenance,
        'official' as layer_code
    from {{ ref('stg_bns__official_counts') }}
    where
        table_code = 'balance_all_flows'
        and flow_code = 'all'
        and direction_code = 'net'
        and country_code = '_T'
        and sex_code = '_T'
        and age_band_code = '_T'
        and education_code = '_T'
        and specialty_code = '_T'
),

bundled as (
    select
        year,
        region_code,
        settlement_code,
        net_persons,
        source_id,
        provenance,
        'bundled_published' as layer_code
    from {{ ref('stg_bns__all_flows_balance') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

bundled_uncovered as (
    select bundled.*
    from bundled
    anti join official using (year, region_code, settlement_code)
),

layered as (
    select * from official
    union all
    select * from bundled_uncovered
),

regions_listed as (
    select
        year,
        count(distinct region_code) filter (where region_code <> '00') as listed_region_count
    from layered
    where settlement_code = '_T'
    group by year
),

regions_existing as (
    select
        listed_regions.year,
        count(regions.region_code) as existing_region_count
    from regions_listed as listed_regions
    inner join regions
        on regions.region_kind <> 'republic'
        and listed_regions.year >= regions.first_year
        and (regions.last_year is null or listed_regions.year <= regions.last_year)
    group by listed_regions.year
),

final as (
    select
        layered.year,
        layered.region_code,
        layered.settlement_code,
        layered.net_persons,
        layered.layer_code,
        layered.source_id,
        layered.provenance,
        coalesce(listed_regions.listed_region_count = existing_regions.existing_region_count, false)
            as is_region_set_complete
    from layered
    left join regions_listed as listed_regions on layered.year = listed_regions.year
    left join regions_existing as existing_regions on layered.year = existing_regions.year
)

select * from final
