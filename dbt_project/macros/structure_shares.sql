{#- Share and ranking logic of the structure marts (country, education, specialty), written once and used
    by the yearly and the period models alike: a period model applies the same macro to period sums that
    the yearly model applies to yearly counts. -#}

{% macro structure_share_of(part, total, digits=4) %}
{#- part as a percentage of total; null (not zero, not an error) when the total is zero or missing, so an
    empty region-year never shows a share that looks measured. -#}
case when ({{ total }}) > 0 then cast(round(100.0 * ({{ part }}) / ({{ total }}), {{ digits }}) as double) end
{% endmacro %}

{% macro structure_share_within(part, partition_by, digits=4) %}
{#- part as a percentage of the sum of part over the partition (a list of columns or expressions). -#}
{{ structure_share_of(part, 'sum(' ~ part ~ ') over (partition by ' ~ (partition_by | join(', ')) ~ ')', digits) }}
{% endmacro %}

{% macro structure_rank_within(value, partition_by, eligible) %}
{#- Rank by value, largest first, among the rows for which `eligible` holds (ties share a rank); null for
    the other rows, so aggregates such as "other countries" never take a place among single countries. -#}
case when {{ eligible }} then cast(
    rank() over (partition by {{ partition_by | join(', ') }}, ({{ eligible }}) order by {{ value }} desc)
    as integer) end
{% endmacro %}

{% macro structure_period_columns(relation=none) %}
{#- The columns identifying an analysis period, optionally qualified by relation, as one comma-separated line. -#}
{%- for column in ['period_code', 'period_set_code', 'period_name_en', 'start_year', 'end_year'] -%}
{{ relation ~ '.' if relation }}{{ column }}{{ ', ' if not loop.last }}
{%- endfor -%}
{% endmacro %}

{% macro structure_years_in_periods(counts_cte, periods_cte) %}
{#- Every row of counts_cte once for each analysis period whose years contain the row's year. -#}
select
    {{ structure_period_columns(periods_cte) }},
    {{ counts_cte }}.*
from {{ counts_cte }}
inner join {{ periods_cte }}
    on {{ counts_cte }}.year between {{ periods_cte }}.start_year and {{ periods_cte }}.end_year
{% endmacro %}

{% macro structure_avgs_of_yearly(columns, digits=4) %}
{#- For each yearly measure in columns, its average over a period (avg_of_yearly_<column>), rounded like the
    measure itself. -#}
{%- for column in columns %}
cast(round({{ exact_avg(column) }}, {{ digits }}) as double) as avg_of_yearly_{{ column }}{{ ',' if not loop.last }}
{%- endfor %}
{%- endmacro %}

{% macro structure_country_shares(rows_cte, time_column) %}
{#- A full select adding share and rank columns to every row of rows_cte (one row per region × time ×
    direction × country, with persons, group_code and is_aggregate), where time is `year` or `period_code`:
    the country's share of all migrants of its region, time and direction, of its group's and of everyone's
    outside the CIS. The totals are one aggregate per scope joined back to the rows, not a window each (a
    window partitions and buffers every row; 10^7 canonical rows in bench/bench_scale.py). The ranks stay
    windows: an order within each scope is what a window computes. -#}
{%- set scope = ['region_code', time_column, 'direction_code'] -%}
with scope_totals as (
    select
        {{ scope | join(', ') }},
        sum(persons) as all_persons,
        sum(persons) filter (where group_code <> 'CIS') as non_cis_persons
    from {{ rows_cte }}
    group by {{ scope | join(', ') }}
),

group_totals as (
    select
        {{ scope | join(', ') }},
        group_code,
        sum(persons) as group_persons
    from {{ rows_cte }}
    group by {{ scope | join(', ') }}, group_code
)

select
    this_row.*,
    {{ structure_share_of('this_row.persons', 'scope_totals.all_persons') }} as share_of_all_pct,
    {{ structure_share_of('this_row.persons', 'group_totals.group_persons') }} as share_of_group_pct,
    case when this_row.group_code <> 'CIS'
        then {{ structure_share_of('this_row.persons', 'scope_totals.non_cis_persons') }}
    end as share_of_non_cis_pct,
    {%- set ranked_scope = [] %}
    {%- for key in scope %}{% do ranked_scope.append('this_row.' ~ key) %}{% endfor %}
    {{ structure_rank_within('this_row.persons', ranked_scope, 'not this_row.is_aggregate') }}
        as rank_in_{{ 'year' if time_column == 'year' else 'period' }},
    {{ structure_rank_within('this_row.persons', ranked_scope + ['this_row.group_code'], 'not this_row.is_aggregate') }}
        as rank_in_group_in_{{ 'year' if time_column == 'year' else 'period' }}
from {{ rows_cte }} as this_row
inner join scope_totals
    on {% for key in scope %}this_row.{{ key }} = scope_totals.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
inner join group_totals
    on {% for key in scope %}this_row.{{ key }} = group_totals.{{ key }} and {% endfor -%}
    this_row.group_code is not distinct from group_totals.group_code
{% endmacro %}

{% macro structure_group_shares(groups_cte, time_column) %}
{#- A full select adding share columns to every row of groups_cte (one row per region × time × direction ×
    group with columns persons, group_code, parent_group_code, is_top_level): the share of all migrants
    (the top-level groups partition them), of the parent group (BALTIC within OTHER) and of every migrant
    not from/to the CIS (OTHER plus NOT_STATED). -#}
{%- set keys = ['region_code', time_column, 'direction_code'] -%}
with scope_totals as (
    select
        {{ keys | join(', ') }},
        sum(case when is_top_level then persons end) as all_persons,
        sum(case when is_top_level and group_code <> 'CIS' then persons end) as non_cis_persons
    from {{ groups_cte }}
    group by {{ keys | join(', ') }}
)

select
    this_group.*,
    {{ structure_share_of('this_group.persons', 'scope_totals.all_persons') }} as share_of_all_pct,
    {{ structure_share_of('this_group.persons', 'parent_group.persons') }} as share_of_parent_group_pct,
    case when this_group.group_code <> 'CIS'
        then {{ structure_share_of('this_group.persons', 'scope_totals.non_cis_persons') }}
    end as share_of_non_cis_pct
from {{ groups_cte }} as this_group
inner join scope_totals
    on {% for key in keys %}this_group.{{ key }} = scope_totals.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
left join {{ groups_cte }} as parent_group
    on this_group.parent_group_code = parent_group.group_code
    {%- for key in keys %} and this_group.{{ key }} = parent_group.{{ key }}{% endfor %}
{% endmacro %}

{% macro structure_education_measures(levels=['higher', 'secondary_vocational']) %}
{#- Derived columns of the wide education structure, from the base columns working_age_arrivals,
    working_age_departures and <level>_arrivals / <level>_departures (yearly counts or period sums). -#}
{{ net_migration('working_age_arrivals', 'working_age_departures') }} as working_age_net_migration,
{%- for level in levels %}
{{ net_migration(level ~ '_arrivals', level ~ '_departures') }} as {{ level }}_net_migration,
{{ structure_share_of(level ~ '_arrivals', 'working_age_arrivals') }} as {{ level }}_share_of_arrivals_pct,
{{ structure_share_of(level ~ '_departures', 'working_age_departures') }} as {{ level }}_share_of_departures_pct,
{{ safe_ratio('(1.0 * ' ~ level ~ '_departures / nullif(working_age_departures, 0))',
              '(1.0 * ' ~ level ~ '_arrivals / nullif(working_age_arrivals, 0))') }} as {{ level }}_departure_to_arrival_share_ratio,
{{ safe_ratio(level ~ '_arrivals', level ~ '_departures') }} as {{ level }}_arrivals_per_departure,
{%- endfor %}
{{ structure_share_of((levels | join('_arrivals + ')) ~ '_arrivals', 'working_age_arrivals') }} as specialist_share_of_arrivals_pct,
{{ structure_share_of((levels | join('_departures + ')) ~ '_departures', 'working_age_departures') }} as specialist_share_of_departures_pct
{% endmacro %}

{% macro structure_specialty_measures(time_column) %}
{#- Columns of one specialty within its region × time (year or period_code): net migration, shares within
    all specialists' arrivals and departures, and arrivals per departure. Expects arrivals and departures. -#}
cast({{ net_migration('arrivals', 'departures') }} as bigint) as net_migration,
{{ structure_share_within('arrivals', ['region_code', time_column]) }} as share_of_arrivals_pct,
{{ structure_share_within('departures', ['region_code', time_column]) }} as share_of_departures_pct,
{{ safe_ratio('arrivals', 'departures') }} as arrivals_per_departure
{% endmacro %}
