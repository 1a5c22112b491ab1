-- Members of the ensemble of reconstructions: member 0 is the bundled tables, every other member a draw
-- of the modeled assumptions with its recorded seed. A table (not a view) so that no path to the CSV stays
-- in the published warehouse.
{{ config(materialized="table") }}

with source as (
    select * from {{ source('ensemble', 'members') }}
),

renamed as (
    select
        member_id,
        seed,
        note as member_note,
        treated_region_code,
        control_region_codes,
        bordering_russia_region_codes,
        crisis_start_year,
        working_age_rule_set_code
    from source
)

select * from renamed
