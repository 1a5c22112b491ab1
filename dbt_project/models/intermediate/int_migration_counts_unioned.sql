-- Every migration count in the canonical shape, in layers: an official cell (ingested BNS download) wins,
-- then a bundled published figure (the national seed), then the reconstruction. One row per cell, keeping
-- the provenance and the layer it came from.
with official as (
    select
        *,
        'official' as layer_code
    from {{ ref('stg_bns__official_counts') }}
),

national_seed as (
    select
        *,
        'bundled_published' as layer_code
    from {{ ref('stg_bns__national_flows') }}
),

reconstruction as (
    select
        *,
        'reconstruction' as layer_code
    from {{ ref('stg_bns__reconstructed_counts') }}
),

-- Layering by anti-join rather than a window over every cell: the upper layers are small, so each join
-- hashes them and streams the reconstruction once, where ranking would sort all of it (10^7 rows in bench/).
-- That is cheap enough for a view that every fact and check reads again, instead of one more copy of all
-- the counts in the file.
{%- set key = canonical_cell_key() %}

national_seed_uncovered as (
    select national_seed.*
    from national_seed
    anti join official using ({{ key | join(', ') }})
),

reconstruction_uncovered as (
    select reconstruction.*
    from reconstruction
    anti join official using ({{ key | join(', ') }})
    anti join national_seed using ({{ key | join(', ') }})
),

final as (
    select * from official
    union all
    select * from national_seed_uncovered
    union all
    select * from reconstruction_uncovered
)

select * from final
