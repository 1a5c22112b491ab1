-- Each causal estimate on each member of the ensemble of reconstructions, with its spread across members
-- beside it: how much of the estimate the modeled parts of the bundled tables could move.
with estimates as (
    select * from {{ ref('stg_ensemble__estimates') }}
),

members as (
    select * from {{ ref('int_ensemble_members_of_build_design') }}
),

joined as (
    select
        estimates.member_id,
        members.seed,
        estimates.member_id = 0 as is_default_member,
        members.is_build_design,
        estimates.design_code,
        estimates.outcome_code,
        estimates.estimator_code,
        estimates.estimate,
        estimates.p_value
    from estimates
    inner join members on estimates.member_id = members.member_id
),

final as (
    select
        *,
        cast(count(estimate) over estimate_members as integer) as members_with_estimate,
        min(estimate) over estimate_members as estimate_min_across_members,
        median(estimate) over estimate_members as estimate_median_across_members,
        max(estimate) over estimate_members as estimate_max_across_members
    from joined
    window estimate_members as (partition by design_code, outcome_code, estimator_code)
)

select * from final
