-- The paper's claims, one row each: the reported value, the value the warehouse computes, and the outcome.
with claims as (
    select * from {{ ref('paper_claims') }}
),

checks as (
    select * from {{ ref('int_claim_checks') }}
),

official as (
    select * from {{ ref('int_claim_official_verdicts') }}
),

data_sources as (
    select * from {{ ref('dim_data_sources') }}
),

-- Bundled (reconstructed) figures are calibrated to the paper's claims: agreement with a claim then shows the
-- claims can hold together, not that official data support them. Unknown provenance counts as reconstructed.
evidence as (
    select coalesce(bool_or(is_modeled and cell_count > 0), true) as data_is_reconstruction
    from data_sources
),

-- Columns in the contract's order, which puts the outcome beside the reported value, and the verdict on official
-- figures alone (int_claim_official_verdicts, independent of the counts the warehouse holds) beside the status.
final as (
    select  -- noqa: ST06
        claims.claim_id,
        claims.topic,
        claims.population,
        claims.geography_codes,
        claims.period,
        claims.measure,
        claims.reported_value,
        claims.unit,
        claims.comparison,
        coalesce(claims.precision, '') as precision,  -- noqa: RF04
        coalesce(checks.computed_value, '') as computed_value,
        checks.status,
        case
            when checks.status = 'not_computable' then 'not computable'
            when evidence.data_is_reconstruction and checks.status = 'reproduced'
                then 'consistent with the reconstruction (calibrated to the paper; not evidence)'
            when evidence.data_is_reconstruction
                then 'inconsistent with the reconstruction (calibrated to the paper)'
            when checks.status = 'reproduced' then 'reproduced on official data'
            else 'not reproduced on official data'
        end as status_label,
        case
            when evidence.data_is_reconstruction then 'reconstruction calibrated to the paper'
            else 'official data'
        end as evidence_basis,
        official.official_verdict,
        official.official_arithmetic,
        official.official_figures_used,
        official.official_reason,
        official.other_claims_used,
        checks.explanation,
        coalesce(claims.contradicts, '') as contradicts,
        coalesce(claims.paper_section, '') as paper_section,
        coalesce(claims.note, '') as note,
        claims.source_id,
        claims.source,
        evidence.data_is_reconstruction
    from claims
    left join checks on claims.claim_id = checks.claim_id
    left join official on claims.claim_id = official.claim_id
    cross join evidence
)

select * from final
