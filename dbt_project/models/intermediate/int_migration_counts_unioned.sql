-- Every migration count in the canonical shape, in layers: an official cell (ingested BNS download) wins,
-- then a bundled published figure (the national seed), then the reconstruction. One row per cell, keeping
-- the provenance and the layer it came from.
with official as (
    select
        *,
        'official' as layer_code,
        1 as layer_rank
    from {{ ref('stg_bns__official_counts') }}
),

national_seed as (
    select
        *,
        'bundled_published' as layer_code,
        2 as layer_rank
    from {{ ref('stg_bns__national_flows') }}
),

reconstruction as (
    select
        *,
        'reconstruction' as layer_code,
        3 as layer_rank
    from {{ ref('stg_bns__reconstructed_counts') }}
),

layered as (
    select * from official
    union all
    select * from national_seed
    union all
    select * from reconstruction
),

topmost as (
    select * exclude (layer_rank)
    from layered
    qualify row_number() over (partition by {{ canonical_cell_key() | join(', ') }} order by layer_rank) = 1
)

select * from topmost
