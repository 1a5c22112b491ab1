-- The ensemble's members, each marked by whether its warehouse was built with this build's design. The
-- members' estimates and claims were computed once (`make ensemble`) with the design of that day; a build with
-- another treated region, controls, crisis year or working-age rule set must not read them as its own.
with members as (
    select * from {{ ref('stg_ensemble__members') }}
),

study as (
    select * from {{ ref('int_study_design') }}
),

final as (
    select
        members.member_id,
        members.seed,
        coalesce(
            members.treated_region_code = study.treated_region_code
            and members.control_region_codes = array_to_string(study.control_region_codes, ';')
            and members.bordering_russia_region_codes = array_to_string(study.bordering_russia_region_codes, ';')
            and members.crisis_start_year = study.crisis_start_year
            and members.working_age_rule_set_code = study.working_age_rule_set_code,
            false
        ) as is_build_design
    from members
    cross join study
)

select * from final
