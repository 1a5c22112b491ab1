-- The settings the warehouse was built with, so that a report or a dashboard can say which definition of
-- working age and which crisis year its figures rest on.
with settings as (
    select
        '{{ var("working_age_rule_set") }}' as working_age_rule_set_code,
        {{ var("crisis_start_year") }} as crisis_start_year,
        '{{ var("treated_region_code") }}' as treated_region_code,
        '{{ env_var("KZ_COUNTS_DIR", "data/reference/tables") }}' as counts_directory,
        cast('{{ run_started_at.isoformat() }}' as timestamp) as built_at
),

final as (
    select
        settings.*,
        exists(
            select 1 from {{ ref('int_migration_counts_unioned') }} as counts
            where counts.provenance = 'modeled'
        ) as has_modeled_figures
    from settings
)

select * from final
