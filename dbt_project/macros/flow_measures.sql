{% macro yoy_growth_pct(column, previous_column, comparable='true') %}
{#- Percent change on the previous year: previous_column is the same column of the row of the previous
    calendar year, joined on year - 1 (an equality join, not a window ordering every row), so null when that
    year is missing (not merely the previous row), was zero, or when `comparable` is false (e.g. the region's
    borders changed that year, so the two years measure different territories). -#}
case
    when ({{ comparable }}) and {{ previous_column }} <> 0
    then round(100.0 * ({{ column }} - {{ previous_column }}) / {{ previous_column }}, 4)
end
{% endmacro %}

{% macro safe_ratio(numerator, denominator, digits=6) %}
{#- numerator / denominator, null (not an error or infinity) when the denominator is zero or null. -#}
case when ({{ denominator }}) <> 0 then round(1.0 * ({{ numerator }}) / ({{ denominator }}), {{ digits }}) end
{% endmacro %}

{% macro net_migration(arrivals, departures) %}
{#- Net migration: arrivals minus departures (positive: a net gain of people). The one definition of the
    balance every mart, panel and metric derives. -#}
({{ arrivals }} - {{ departures }})
{%- endmacro %}

{% macro turnover(arrivals, departures) %}
{#- Gross migration (migration turnover): arrivals plus departures, the volume of exchange whatever its sign. -#}
({{ arrivals }} + {{ departures }})
{%- endmacro %}

{% macro migration_effectiveness_index(arrivals, departures, digits=4) %}
{#- Migration effectiveness index: 100 × net migration / turnover, from −100 (departures only) to +100
    (arrivals only); 0 = as many arrivals as departures. Null when there is no flow at all. How much of
    the exchange redistributes people rather than swapping them (Shryock 1959; Bell et al. 2002). -#}
{%- set net = net_migration('(' ~ arrivals ~ ')', '(' ~ departures ~ ')') -%}
{{ safe_ratio('100 * ' ~ net, turnover(arrivals, departures), digits) }}
{%- endmacro %}

{% macro flow_aggregates(yearly) %}
{#- Aggregates of yearly flows over a group of years (a fixed period or a detected regime). Ratios come in
    two kinds, named apart: the ratio of the period's sums, and the average of the yearly ratios. -#}
cast(count(*) as integer) as years_covered,
cast(sum({{ yearly }}.arrivals) as bigint) as arrivals,
cast(sum({{ yearly }}.departures) as bigint) as departures,
cast({{ net_migration('sum(' ~ yearly ~ '.arrivals)', 'sum(' ~ yearly ~ '.departures)') }} as bigint) as net_migration,
cast({{ turnover('sum(' ~ yearly ~ '.arrivals)', 'sum(' ~ yearly ~ '.departures)') }} as bigint) as turnover,
{{ migration_effectiveness_index('sum(' ~ yearly ~ '.arrivals)', 'sum(' ~ yearly ~ '.departures)') }}
    as migration_effectiveness_index,
avg({{ yearly }}.arrivals) as avg_yearly_arrivals,
avg({{ yearly }}.departures) as avg_yearly_departures,
avg({{ net_migration(yearly ~ '.arrivals', yearly ~ '.departures') }}) as avg_yearly_net_migration,
{{ safe_ratio('sum(' ~ yearly ~ '.arrivals)', 'sum(' ~ yearly ~ '.departures)') }} as arrivals_per_departure,
{{ safe_ratio('sum(' ~ yearly ~ '.departures)', 'sum(' ~ yearly ~ '.arrivals)') }} as departures_per_arrival,
{{ exact_avg(safe_ratio(yearly ~ '.arrivals', yearly ~ '.departures')) }} as avg_of_yearly_arrivals_per_departure,
{{ exact_avg(safe_ratio(yearly ~ '.departures', yearly ~ '.arrivals')) }} as avg_of_yearly_departures_per_arrival
{% endmacro %}

{% macro exact_avg(expression) %}
{#- Average of rounded values that does not depend on the order DuckDB's threads add them up in: the sum
    is taken in exact decimal arithmetic, so the same data always gives the same last digit (an average
    of two 4-digit shares can land exactly on a rounding tie, where floating-point noise would decide). -#}
avg(cast(({{ expression }}) as decimal(38, 10)))
{%- endmacro %}

{% macro sex_ratio(males, females, digits=2) %}
{#- Males per 100 females (the demographers' sex ratio); null when no female is counted. -#}
{{ safe_ratio('100 * (' ~ males ~ ')', females, digits) }}
{%- endmacro %}

{% macro sex_flow_measures(pivoted) %}
{#- The measures of a flow split by sex, from a relation with arrivals_male, arrivals_female,
    departures_male and departures_female: both sexes, net migration, turnover, the migration
    effectiveness index and the sex ratios of arrivals and departures. -#}
{{ pivoted }}.arrivals_male,
{{ pivoted }}.arrivals_female,
{{ pivoted }}.arrivals_male + {{ pivoted }}.arrivals_female as arrivals,
{{ pivoted }}.departures_male,
{{ pivoted }}.departures_female,
{{ pivoted }}.departures_male + {{ pivoted }}.departures_female as departures,
{{ net_migration(pivoted ~ '.arrivals_male', pivoted ~ '.departures_male') }} as net_migration_male,
{{ net_migration(pivoted ~ '.arrivals_female', pivoted ~ '.departures_female') }} as net_migration_female,
{{ net_migration('(' ~ pivoted ~ '.arrivals_male + ' ~ pivoted ~ '.arrivals_female)',
                  '(' ~ pivoted ~ '.departures_male + ' ~ pivoted ~ '.departures_female)') }} as net_migration,
{{ turnover(pivoted ~ '.arrivals_male + ' ~ pivoted ~ '.arrivals_female',
    pivoted ~ '.departures_male + ' ~ pivoted ~ '.departures_female') }} as turnover,
{{ migration_effectiveness_index(pivoted ~ '.arrivals_male + ' ~ pivoted ~ '.arrivals_female',
    pivoted ~ '.departures_male + ' ~ pivoted ~ '.departures_female') }} as migration_effectiveness_index,
{{ sex_ratio(pivoted ~ '.arrivals_male', pivoted ~ '.arrivals_female') }} as arrivals_males_per_100_females,
{{ sex_ratio(pivoted ~ '.departures_male', pivoted ~ '.departures_female') }} as departures_males_per_100_females
{%- endmacro %}
