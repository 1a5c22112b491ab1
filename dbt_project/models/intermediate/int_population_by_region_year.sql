-- Population on 1 January in layers, as the counts are: an ingested BNS population workbook (official set)
-- wins wherever it has a figure, the bundled seed fills the rest. Each row says which it used.
with official as (
    select
        *,
        'official' as layer_code
    from {{ ref('stg_bns__official_population') }}
),

bundled as (
    select
        *,
        'bundled_published' as layer_code
    from {{ ref('stg_bns__population') }}
),

bundled_uncovered as (
    select bundled.*
    from bundled
    anti join official using (year, region_code, sex_code, settlement_code)
),

final as (
    select
        year,
        region_code,
        sex_code,
        settlement_code,
        residents_on_1_january,
        source_id,
        provenance,
        layer_code
    from official
    union all
    select
        year,
        region_code,
        sex_code,
        settlement_code,
        residents_on_1_january,
        source_id,
        provenance,
        layer_code
    from bundled_uncovered
)

select * from final
