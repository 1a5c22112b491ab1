-- Each claim of the paper on each member of the ensemble of reconstructions: its value and status, and
-- how many members reproduce it.
with claims as (
    select * from {{ ref('stg_ensemble__claims') }}
),

members as (
    select * from {{ ref('int_ensemble_members_of_build_design') }}
),

joined as (
    select
        claims.member_id,
        members.seed,
        claims.member_id = 0 as is_default_member,
        members.is_build_design,
        claims.claim_id,
        claims.computed_value,
        claims.claim_status as status,
        claims.claim_status = 'reproduced' as is_reproduced
    from claims
    inner join members on claims.member_id = members.member_id
),

final as (
    select
        *,
        cast(count(*) over claim_members as integer) as members_in_ensemble,
        cast(count(*) filter (where is_reproduced) over claim_members as integer) as members_reproducing,
        min(computed_value) over claim_members as computed_value_min_across_members,
        median(computed_value) over claim_members as computed_value_median_across_members,
        max(computed_value) over claim_members as computed_value_max_across_members
    from joined
    window claim_members as (partition by claim_id)
)

select * from final
