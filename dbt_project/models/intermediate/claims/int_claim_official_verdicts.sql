-- Each claim judged on official figures alone, apart from the reconstruction (which was calibrated to the
-- claims). data/claims/claim_official_evidence.csv names, per claim, the test and the official quantities that
-- decide it (or why none does); the verdict and its arithmetic are computed here from the figures, so they follow
-- the data. Tests:
--   at_most_official_total: the claimed count is part of an official total (working-age arrivals of all arrivals,
--     departures to one country of all departures): the smallest count the claim allows must not exceed it;
--   share_of_national: the claimed share against the region's official count over the Republic's (Taldau);
--   pooled_share_cap: a count and a pooled share of two claims cap the period's total (count / share), which the
--     official figures for the period's years (full-year totals, part-year lower bounds) must not exceed.
with claims as (
    select * from {{ ref('paper_claims') }}
),

evidence_map as (
    select * from {{ ref('claim_official_evidence') }}
),

elements as (
    select * from {{ ref('int_claim_elements') }}
),

quantities as (
    select * from {{ ref('int_claim_official_quantities') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

-- One row per claim and official quantity it names, in the order the mapping lists them.
requested as (
    select
        evidence_map.claim_id,
        quantity.quantity_code,
        quantity.position as quantity_position
    from evidence_map
    cross join
        unnest(string_split(coalesce(evidence_map.official_quantities, ''), ';'))
        with ordinality as quantity (quantity_code, position)
    where trim(quantity.quantity_code) <> ''
),

requested_quantities as (
    select
        requested.claim_id,
        requested.quantity_position,
        trim(requested.quantity_code) as quantity_code,
        quantities.figure_value,
        quantities.lowest_value,
        quantities.highest_value,
        quantities.year,
        quantities.months,
        quantities.is_full_year,
        quantities.figure_ids,
        quantities.derivation,
        quantities.quantity_code is not null as is_held
    from requested
    left join quantities on trim(requested.quantity_code) = quantities.quantity_code
),

-- Per claim: the quantities found and missing, and the ids of every figure used.
quantity_summary as (
    select
        claim_id,
        count(*) filter (where not is_held) as missing_count,
        string_agg(quantity_code, ', ' order by quantity_position) filter (where not is_held) as missing_codes,
        string_agg(figure_ids, ', ' order by quantity_position) filter (where is_held) as figure_ids
    from requested_quantities
    group by claim_id
),

-- The claim's own element, and for a pooled share the other claim's element (`Cnn:element` in the mapping).
judged as (
    select
        evidence_map.claim_id,
        evidence_map.official_test,
        evidence_map.reason,
        coalesce(evidence_map.paper_claims_used, '') as paper_claims_used,
        claims.population,
        claims.unit,
        claims.period,
        claims.measure,
        case when claims.population = 'all_ages' then '' else replace(claims.population, '_', '-') || ' ' end
            as population_prefix,
        own.element_text,
        own.element_rule,
        own.reported_number,
        own.lowest_allowed,
        own.highest_allowed,
        other_claims.period as other_period,
        other.element_text as other_element_text,
        other.lowest_allowed as other_lowest_allowed,
        other.highest_allowed as other_highest_allowed,
        split_part(evidence_map.paper_claims_used, ':', 1) as other_claim_id,
        coalesce(quantity_summary.missing_count, 0) as missing_count,
        quantity_summary.missing_codes,
        coalesce(quantity_summary.figure_ids, '') as figure_ids
    from evidence_map
    inner join claims on evidence_map.claim_id = claims.claim_id
    left join elements as own
        on evidence_map.claim_id = own.claim_id
        and try_cast(evidence_map.claim_element as integer) = own.element_number
    left join claims as other_claims on split_part(evidence_map.paper_claims_used, ':', 1) = other_claims.claim_id
    left join elements as other
        on split_part(evidence_map.paper_claims_used, ':', 1) = other.claim_id
        and try_cast(split_part(evidence_map.paper_claims_used, ':', 2) as integer) = other.element_number
    left join quantity_summary on evidence_map.claim_id = quantity_summary.claim_id
),

-- at_most_official_total: the first quantity named is the total.
within_total as (
    select
        judged.claim_id,
        case
            when judged.lowest_allowed <= total.highest_value then 'bounded-consistent'
            else 'bounded-inconsistent'
        end as official_verdict,
        judged.population_prefix || judged.measure || ' ' || total.year || ' claimed '
        || case judged.element_rule when 'at_least' then 'at least ' when 'approx' then 'about ' else '' end
        || {{ readable_number('judged.reported_number') }}
        || case when judged.lowest_allowed <= total.highest_value then ' ≤ ' else ' > ' end
        || 'all-ages ' || split_part(total.quantity_code, ':', 1) || 's ' || total.year || ' '
        || {{ readable_number('total.highest_value') }}
        || case when total.derivation <> '' then ' (' || total.derivation || ')' else '' end
        || ': '
        || {{ readable_number('judged.lowest_allowed') }}
        || ' / '
        || {{ readable_number('total.highest_value') }}
        || ' = ' || {{ readable_number('100.0 * judged.lowest_allowed / total.highest_value', 1) }}
        || case
            when judged.lowest_allowed <= total.highest_value
                then
                    '%' || case when judged.element_rule = 'exact' then '' else ' or more' end
                    || ' of them would have to be ' || judged.population_prefix || judged.measure
            else '%: more than the whole'
        end as official_arithmetic
    from judged
    inner join requested_quantities as total
        on judged.claim_id = total.claim_id and total.quantity_position = 1 and total.is_held
    where judged.official_test = 'at_most_official_total'
),

-- share_of_national: quantities are the region's count and the Republic's, for the claim's year; the same share
-- in every other year both are published is added for context.
share_of_national as (
    select
        judged.claim_id,
        part.figure_value as part_value,
        whole.figure_value as whole_value,
        part.year,
        100.0 * part.figure_value / whole.figure_value as share_pct,
        -- the largest base (as % of the whole) a share of a sub-group could have: part / lowest share
        100.0 * part.figure_value / (judged.lowest_allowed / 100) / whole.figure_value as largest_base_pct,
        judged.lowest_allowed,
        judged.highest_allowed,
        judged.element_text,
        judged.population,
        split_part(part.quantity_code, ':', 1) as direction_code,
        split_part(part.quantity_code, ':', 2) as region_code,
        regions.region_name_en
    from judged
    inner join requested_quantities as part
        on judged.claim_id = part.claim_id and part.quantity_position = 1 and part.is_held
    inner join requested_quantities as whole
        on judged.claim_id = whole.claim_id and whole.quantity_position = 2 and whole.is_held
    left join regions on split_part(part.quantity_code, ':', 2) = regions.region_code
    where judged.official_test = 'share_of_national'
),

share_other_years as (
    select
        share_of_national.claim_id,
        string_agg(
            {{ readable_number('part.figure_value') }} || ' / ' || {{ readable_number('whole.figure_value') }} || ' = '
            || {{ readable_number('100.0 * part.figure_value / whole.figure_value', 1) }} || '% in ' || part.year,
            ', ' order by part.year
        ) as other_years,
        string_agg(part.figure_ids || ', ' || whole.figure_ids, ', ' order by part.year) as other_figure_ids
    from share_of_national
    inner join quantities as part
        on share_of_national.direction_code = part.direction_code
        and share_of_national.region_code = part.region_code
        and part.is_full_year
        and part.lowest_value = part.highest_value
        and share_of_national.year <> part.year
    inner join quantities as whole
        on share_of_national.direction_code = whole.direction_code
        and whole.region_code = '00'
        and whole.is_full_year
        and part.year = whole.year
    group by share_of_national.claim_id
),

share_verdicts as (
    select
        share_of_national.claim_id,
        case
            when
                share_of_national.share_pct >= share_of_national.lowest_allowed
                and share_of_national.share_pct < share_of_national.highest_allowed then 'confirmed'
            else 'contradicted'
        end as official_verdict,
        'all-ages ' || share_of_national.direction_code || 's, ' || share_of_national.region_name_en
        || ' / Republic: ' || {{ readable_number('share_of_national.part_value') }} || ' / '
        || {{ readable_number('share_of_national.whole_value') }} || ' = '
        || {{ readable_number('share_of_national.share_pct', 1) }} || '% in ' || share_of_national.year
        || case
            when
                share_of_national.share_pct >= share_of_national.lowest_allowed
                and share_of_national.share_pct < share_of_national.highest_allowed then ', within ['
            else ', outside ['
        end
        || {{ readable_number('share_of_national.lowest_allowed', 2) }} || '%, '
        || {{ readable_number('share_of_national.highest_allowed', 2) }} || '%), the rounding of '
        || share_of_national.element_text || '%'
        || coalesce('; other years: ' || share_other_years.other_years, '')
        || case
            when share_of_national.population <> 'all_ages'
                then
                    '. Read as a ' || replace(share_of_national.population, '_', '-') || ' share it would need a '
                    || 'national ' || replace(share_of_national.population, '_', '-') || ' base of at most '
                    || {{ readable_number('share_of_national.part_value') }} || ' / '
                    || {{ readable_number('share_of_national.lowest_allowed / 100', 4) }} || ' = '
                    || {{ readable_number('share_of_national.part_value * 100 / share_of_national.lowest_allowed') }}
                    || ' ('
                    || {{ readable_number('share_of_national.largest_base_pct', 1) }}
                    || '% of ' || {{ readable_number('share_of_national.whole_value') }}
                    || '), which no official figure here gives'
            else ''
        end as official_arithmetic,
        share_other_years.other_figure_ids
    from share_of_national
    left join share_other_years on share_of_national.claim_id = share_other_years.claim_id
),

-- pooled_share_cap: the share and the count come from the claim and the other claim, whichever is the percent.
pooled as (
    select
        judged.claim_id,
        case when judged.unit = 'percent' then judged.element_text else judged.other_element_text end as share_text,
        case when judged.unit = 'percent' then judged.lowest_allowed else judged.other_lowest_allowed end
            as share_lowest,
        case when judged.unit = 'percent' then judged.other_element_text else judged.element_text end as count_text,
        case when judged.unit = 'percent' then judged.other_highest_allowed else judged.highest_allowed end
            as count_highest,
        case when judged.unit = 'percent' then judged.other_claim_id else judged.claim_id end as count_claim_id,
        case when judged.unit = 'percent' then judged.claim_id else judged.other_claim_id end as share_claim_id,
        case when judged.unit = 'percent' then judged.other_period else judged.period end as period
    from judged
    where judged.official_test = 'pooled_share_cap'
),

pooled_floor as (
    select
        claim_id,
        sum(lowest_value) as official_floor,
        string_agg(
            case
                when is_full_year then year || ' '
                else {{ readable_months('months') }} || ' ' || year || ' at least '
            end
            || {{ readable_number('lowest_value') }}
            || case when derivation <> '' then ' [' || derivation || ']' else '' end,
            ' + ' order by quantity_position
        ) as floor_terms
    from requested_quantities
    where is_held
    group by claim_id
),

pooled_verdicts as (
    select
        pooled.claim_id,
        case
            when pooled_floor.official_floor > pooled.count_highest * 100 / pooled.share_lowest
                then 'bounded-inconsistent'
            else 'bounded-consistent'
        end as official_verdict,
        pooled.count_claim_id
        || '''s '
        || pooled.count_text
        || ' at '
        || pooled.share_claim_id
        || '''s pooled share of '
        || pooled.share_text || '% (at least ' || {{ readable_number('pooled.share_lowest', 1) }} || '%) cap the '
        || pooled.period || ' total at ' || {{ readable_number('pooled.count_highest', 1) }} || ' / '
        || {{ readable_number('pooled.share_lowest / 100', 3) }} || ' = '
        || {{ readable_number('pooled.count_highest * 100 / pooled.share_lowest') }} || ' arrivals; official: '
        || pooled_floor.floor_terms || ' = ' || {{ readable_number('pooled_floor.official_floor') }}
        || case
            when pooled_floor.official_floor > pooled.count_highest * 100 / pooled.share_lowest
                then
                    ' > ' || {{ readable_number('pooled.count_highest * 100 / pooled.share_lowest') }}
                    || ': the two claims cannot both hold'
            else ' ≤ ' || {{ readable_number('pooled.count_highest * 100 / pooled.share_lowest') }}
        end as official_arithmetic
    from pooled
    inner join pooled_floor on pooled.claim_id = pooled_floor.claim_id
),

computed as (
    select
        claim_id,
        official_verdict,
        official_arithmetic,
        '' as extra_figure_ids
    from within_total
    union all
    select
        claim_id,
        official_verdict,
        official_arithmetic,
        coalesce(other_figure_ids, '') as extra_figure_ids
    from share_verdicts
    union all
    select
        claim_id,
        official_verdict,
        official_arithmetic,
        '' as extra_figure_ids
    from pooled_verdicts
),

-- For a claim no official figure decides, the related official figures the mapping names, shown for context (all
-- ages, other years or part-years): each figure as printed, and arrivals / departures where both are named for
-- one period.
context_terms as (
    select
        requested_quantities.claim_id,
        requested_quantities.quantity_position,
        coalesce(regions.region_name_en, split_part(requested_quantities.quantity_code, ':', 2)) || ' '
        || case split_part(requested_quantities.quantity_code, ':', 1)
            when 'net' then 'balance'
            else split_part(requested_quantities.quantity_code, ':', 1) || 's'
        end || ' '
        || case
            when requested_quantities.is_full_year then ''
            else {{ readable_months('requested_quantities.months') }} || ' '
        end
        || requested_quantities.year || ' '
        || {{ readable_number('requested_quantities.figure_value') }}
        || case
            when requested_quantities.derivation <> '' then ' (' || requested_quantities.derivation || ')'
            else ''
        end
        || ' [' || requested_quantities.figure_ids || ']' as term
    from requested_quantities
    inner join evidence_map on requested_quantities.claim_id = evidence_map.claim_id
    left join regions on split_part(requested_quantities.quantity_code, ':', 2) = regions.region_code
    where evidence_map.official_test = 'not_touched' and requested_quantities.is_held
),

context_ratios as (
    select
        arrivals.claim_id,
        min(arrivals.quantity_position) as quantity_position,
        string_agg(
            'arrivals / departures '
            || case when arrivals.is_full_year then '' else {{ readable_months('arrivals.months') }} || ' ' end
            || arrivals.year || ' = ' || {{ readable_number('arrivals.figure_value') }}
            || ' / ' || {{ readable_number('departures.figure_value') }} || ' = '
            || {{ readable_number('arrivals.figure_value / departures.figure_value', 2) }},
            '; ' order by arrivals.quantity_position
        ) as term
    from requested_quantities as arrivals
    inner join evidence_map on arrivals.claim_id = evidence_map.claim_id
    inner join requested_quantities as departures
        on arrivals.claim_id = departures.claim_id
        and replace(arrivals.quantity_code, 'arrival:', 'departure:') = departures.quantity_code
        and departures.is_held
    where
        evidence_map.official_test = 'not_touched'
        and arrivals.is_held
        and arrivals.quantity_code like 'arrival:%'
    group by arrivals.claim_id
),

context as (
    select
        context_terms.claim_id,
        'context only, decides nothing (all ages, or another period): '
        || string_agg(context_terms.term, '; ' order by context_terms.quantity_position)
        || coalesce('; ' || any_value(context_ratios.term), '') as official_arithmetic
    from context_terms
    left join context_ratios on context_terms.claim_id = context_ratios.claim_id
    group by context_terms.claim_id
),

final as (
    select
        judged.claim_id,
        judged.official_test,
        case
            when judged.official_test = 'not_touched' or judged.missing_count > 0 or computed.claim_id is null
                then 'not touched by official figures'
            else computed.official_verdict
        end as official_verdict,
        case
            when judged.missing_count > 0 or computed.claim_id is null then ''
            else concat_ws(', ', nullif(judged.figure_ids, ''), nullif(computed.extra_figure_ids, ''))
        end as official_figures_used,
        case
            when judged.official_test = 'not_touched' then coalesce(context.official_arithmetic, '')
            when judged.missing_count > 0
                then 'the official figure(s) ' || judged.missing_codes || ' are not in the warehouse'
            when computed.claim_id is null then 'the claim has no element the test can read'
            else computed.official_arithmetic
        end as official_arithmetic,
        judged.reason as official_reason,
        replace(judged.paper_claims_used, ':', ' element ') as other_claims_used
    from judged
    left join computed on judged.claim_id = computed.claim_id
    left join context on judged.claim_id = context.claim_id
)

select * from final
