-- The paper's claims on working-age specialists by specialty (C56-C61): one CTE per claim.
-- The paper has no IT category: specialty "it" is counted within "other".
with specialty_flows as (
    select * from {{ ref('fct_specialty_flows') }}
),

design as (
    select * from {{ ref('int_study_design') }}
),

-- The claims' periods are read from the seed analysis_periods, year by year.
period_years as (
    select * from {{ ref('int_analysis_period_years') }}
),

crisis_years as (
    select period_years.year
    from period_years
    where period_years.period_code = 'CRISIS'
),

pre_crisis_years as (
    select period_years.year
    from period_years
    where period_years.period_code = 'PRE_CRISIS'
),

almaty as (
    select
        year,
        cast(sum(arrivals) as double) as arrivals,
        cast(sum(departures) as double) as departures,
        case specialty_code when 'it' then 'other' else specialty_code end as specialty_code
    from specialty_flows
    where
        region_code = (select design.treated_region_code from design)
        and year between (select design.study_first_year from design) and (select design.study_last_year from design)
    group by all
),

-- The paper's eight specialties; a specialty without a row had no migrants.
paper_specialties as (
    select specialties.specialty_code
    from (
        values ('other'), ('technical'), ('economic'), ('pedagogical'), ('legal'), ('medical'),
        ('architecture_construction'), ('agricultural')
    ) as specialties (specialty_code)
),

crisis_sums as (
    select
        specialty_code,
        sum(arrivals) as arrivals,
        sum(departures) as departures
    from almaty
    where year in (select crisis_years.year from crisis_years)
    group by specialty_code
),

-- Per specialty over 2022-2023, with its share of all specialists' arrivals and departures.
crisis as (
    select
        coalesce(crisis_sums.specialty_code, paper_specialties.specialty_code) as specialty_code,
        coalesce(crisis_sums.arrivals, 0) as arrivals,
        coalesce(crisis_sums.departures, 0) as departures,
        100.0 * coalesce(crisis_sums.arrivals, 0) / nullif(sum(crisis_sums.arrivals) over (), 0)
            as share_of_arrivals_pct,
        100.0 * coalesce(crisis_sums.departures, 0) / nullif(sum(crisis_sums.departures) over (), 0)
            as share_of_departures_pct
    from crisis_sums
    full outer join paper_specialties on crisis_sums.specialty_code = paper_specialties.specialty_code
),

-- C56: in every specialty arrivals exceed departures, in 2022 and again in 2023.
c56 as (
    select
        'C56' as claim_id,
        1 as element_number,
        bool_and(arrivals > departures) as value_flag
    from almaty
    where year in (2022, 2023)
),

-- C57: medical arrivals in 2001, and medical arrivals per departure in 2001.
c57 as (
    select
        'C57' as claim_id,
        1 as element_number,
        arrivals as value_number
    from almaty
    where specialty_code = 'medical' and year = 2001
    union all by name
    select
        'C57' as claim_id,
        2 as element_number,
        arrivals / nullif(departures, 0) as value_number
    from almaty
    where specialty_code = 'medical' and year = 2001
),

-- C58: medical departures per arrival over 2000-2021, ratio of the period sums.
c58 as (
    select
        'C58' as claim_id,
        1 as element_number,
        sum(departures) / nullif(sum(arrivals), 0) as value_number
    from almaty
    where specialty_code = 'medical' and year in (select pre_crisis_years.year from pre_crisis_years)
),

-- C59: all specialists' arrivals per departure over 2022-2023, and their arrivals over 2022-2023.
c59 as (
    select
        'C59' as claim_id,
        1 as element_number,
        sum(arrivals) / nullif(sum(departures), 0) as value_number
    from crisis
    union all by name
    select
        'C59' as claim_id,
        2 as element_number,
        sum(arrivals) as value_number
    from crisis
),

-- C60: shares of specialists' arrivals, 2022-2023, in the paper's order, percent.
c60 as (
    select
        'C60' as claim_id,
        list_position(
            [
                'other', 'technical', 'economic', 'pedagogical', 'legal', 'medical', 'architecture_construction',
                'agricultural'
            ],
            specialty_code
        ) as element_number,
        share_of_arrivals_pct as value_number
    from crisis
    where specialty_code in (
        'other', 'technical', 'economic', 'pedagogical', 'legal', 'medical', 'architecture_construction',
        'agricultural'
    )
),

-- C61: shares of specialists' departures, 2022-2023: other, architecture and construction, economic,
-- technical; agricultural departures (persons); legal, medical and pedagogical together.
c61 as (
    select
        'C61' as claim_id,
        list_position(['other', 'architecture_construction', 'economic', 'technical'], specialty_code)
            as element_number,
        share_of_departures_pct as value_number
    from crisis
    where specialty_code in ('other', 'architecture_construction', 'economic', 'technical')
    union all by name
    select
        'C61' as claim_id,
        5 as element_number,
        departures as value_number
    from crisis
    where specialty_code = 'agricultural'
    union all by name
    select
        'C61' as claim_id,
        6 as element_number,
        sum(share_of_departures_pct) as value_number
    from crisis
    where specialty_code in ('legal', 'medical', 'pedagogical')
),

final as (
    select * from c56
    union all by name
    select * from c57
    union all by name
    select * from c58
    union all by name
    select * from c59
    union all by name
    select * from c60
    union all by name
    select * from c61
)

select * from final
