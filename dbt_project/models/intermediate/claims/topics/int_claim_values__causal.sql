-- The paper's causal claim (C64): the sign of the difference-in-differences effect of the 2022 crisis on
-- Almaty's net working-age migration. With a balanced panel and one treated region, the two-way fixed-effects
-- estimate equals this difference of mean changes (post minus pre, treated minus the controls' average).
-- The claim holds only where the design's parallel-trends assumption is tested and not rejected by the report's
-- placebo test (int_claim_did_pre_trend); an assumption that test cannot check (two controls) supports nothing.
with panel as (
    select * from {{ ref('int_claim_did_panel') }}
),

pre_trend as (
    select * from {{ ref('int_claim_did_pre_trend') }}
),

design as (
    select * from {{ ref('int_study_design') }}
),

changes as (
    select
        region_code,
        bool_or(is_treated) as is_treated,
        avg(net_migration_working_age) filter (where is_post)
        - avg(net_migration_working_age) filter (where not is_post) as change_in_mean
    from panel
    group by region_code
),

c64 as (
    select
        'C64' as claim_id,
        1 as element_number,
        avg(changes.change_in_mean) filter (where changes.is_treated)
        - avg(changes.change_in_mean) filter (where not changes.is_treated) as value_number,
        any_value(pre_trend.note) as note,
        coalesce(
            any_value(pre_trend.is_parallel_trends_rejected) or not any_value(pre_trend.is_testable), true
        ) as is_assumption_rejected
    from changes
    cross join pre_trend
    -- Every region of the design: the treated one and each control.
    having count(distinct changes.region_code) = 1 + (select len(design.control_region_codes) from design)
),

final as (
    select * from c64
)

select * from final
