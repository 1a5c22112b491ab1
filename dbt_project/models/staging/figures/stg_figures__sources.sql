-- The source register (data/reference/SOURCES.md): one row per line `| `id` | what | where |` of its table.
-- The first web address in `where` is the source's URL; sources without one (this repository, an extract held
-- in the shared material) keep their `where` text only. A table for the same reason as stg_figures__constraints.
{{ config(materialized="table") }}

with source as (
    select * from {{ source('reference_figures', 'source_register') }}
),

register_lines as (
    select unnest(string_split(content, chr(10))) as register_line
    from source
),

renamed as (
    select
        regexp_extract(register_line, '^\| `([^`]+)` \|', 1) as source_id,
        trim(string_split(register_line, ' | ')[2]) as source_description,
        trim(rtrim(string_split(register_line, ' | ')[3], ' |')) as source_reference,
        nullif(regexp_extract(string_split(register_line, ' | ')[3], 'https?://[^ |)>]+'), '') as source_url
    from register_lines
    where regexp_matches(register_line, '^\| `[^`]+` \|')
)

select * from renamed
