-- The paper's claims on Almaty's migrants by country (C17-C45, all ages): one CTE per claim.
-- "Other countries" as a total is every migrant not from or to the CIS: group OTHER (Baltic included) plus
-- "country not stated" (the paper sorts countries into the CIS and "other countries" only).
with country_flows as (
    select * from {{ ref('fct_country_flows') }}
),

design as (
    select * from {{ ref('int_study_design') }}
),

-- The claims' periods are read from the seed analysis_periods, year by year.
period_years as (
    select * from {{ ref('int_analysis_period_years') }}
),

pre_crisis_years as (
    select period_years.year
    from period_years
    where period_years.period_code = 'PRE_CRISIS'
),

crisis_years as (
    select period_years.year
    from period_years
    where period_years.period_code = 'CRISIS'
),

p2014_2021_years as (
    select period_years.year
    from period_years
    where period_years.period_code = 'P2014_2021'
),

almaty as (
    select * from country_flows
    where
        region_code = (select design.treated_region_code from design)
        and country_code <> '_T'
        and year between (select design.study_first_year from design) and (select design.study_last_year from design)
),

-- One row per direction and year: the totals the shares are taken of.
groups as (
    select
        direction_code,
        year,
        cast(sum(persons) as double) as all_persons,
        cast(coalesce(sum(persons) filter (where group_code = 'CIS'), 0) as double) as cis_persons,
        cast(coalesce(sum(persons) filter (where group_code in ('OTHER', 'NOT_STATED')), 0) as double)
            as non_cis_persons,
        cast(coalesce(sum(persons) filter (where is_baltic), 0) as double) as baltic_persons
    from almaty
    group by direction_code, year
),

-- One row per direction, year and country named by a claim; a country without a row had no migrants.
countries as (
    select
        groups.direction_code,
        groups.year,
        codes.country_code,
        cast(coalesce(sum(almaty.persons), 0) as double) as persons
    from groups
    cross join (
        values ('RUS'), ('UZB'), ('KGZ'), ('TJK'), ('UKR'), ('CHN'), ('TUR'), ('MNG'), ('DEU'),
        ('LTU'), ('LVA'), ('EST'), ('USA'), ('GRC'), ('_U')
    ) as codes (country_code)
    left join almaty
        on groups.direction_code = almaty.direction_code
        and groups.year = almaty.year
        and codes.country_code = almaty.country_code
    group by groups.direction_code, groups.year, codes.country_code
),

arrivals as (
    select * from groups
    where direction_code = 'arrival'
),

departures as (
    select * from groups
    where direction_code = 'departure'
),

country_arrivals as (
    select
        countries.*,
        arrivals.all_persons,
        arrivals.non_cis_persons
    from countries
    inner join arrivals on countries.year = arrivals.year
    where countries.direction_code = 'arrival'
),

country_departures as (
    select
        countries.*,
        departures.cis_persons,
        departures.non_cis_persons
    from countries
    inner join departures on countries.year = departures.year
    where countries.direction_code = 'departure'
),

-- C17: arrivals from the CIS in 2023.
c17 as (
    select
        'C17' as claim_id,
        1 as element_number,
        cis_persons as value_number
    from arrivals
    where year = 2023
),

-- C18: arrivals from the CIS per arrival from other countries, 2023.
c18 as (
    select
        'C18' as claim_id,
        1 as element_number,
        cis_persons / nullif(non_cis_persons, 0) as value_number
    from arrivals
    where year = 2023
),

-- C19: the CIS share of all arrivals in 2023, percent.
c19 as (
    select
        'C19' as claim_id,
        1 as element_number,
        100.0 * cis_persons / nullif(all_persons, 0) as value_number
    from arrivals
    where year = 2023
),

-- C20: departures to the CIS per departure to other countries, 2023.
c20 as (
    select
        'C20' as claim_id,
        1 as element_number,
        cis_persons / nullif(non_cis_persons, 0) as value_number
    from departures
    where year = 2023
),

-- C21: departures to the CIS in 2023.
c21 as (
    select
        'C21' as claim_id,
        1 as element_number,
        cis_persons as value_number
    from departures
    where year = 2023
),

-- C22: correlation of arrivals from Russia with all arrivals, yearly series 2000-2023.
c22 as (
    select
        'C22' as claim_id,
        1 as element_number,
        corr(persons, all_persons) as value_number
    from country_arrivals
    where country_code = 'RUS'
),

-- C23: Russia's average yearly share of all arrivals, 2000-2023, percent.
c23 as (
    select
        'C23' as claim_id,
        1 as element_number,
        avg(100.0 * persons / nullif(all_persons, 0)) as value_number
    from country_arrivals
    where country_code = 'RUS'
),

-- C24: correlation of departures to Russia with departures to the CIS, 2000-2023.
c24 as (
    select
        'C24' as claim_id,
        1 as element_number,
        corr(persons, cis_persons) as value_number
    from country_departures
    where country_code = 'RUS'
),

-- C25: Russia's average yearly share of departures to the CIS, 2000-2023, percent.
c25 as (
    select
        'C25' as claim_id,
        1 as element_number,
        avg(100.0 * persons / nullif(cis_persons, 0)) as value_number
    from country_departures
    where country_code = 'RUS'
),

-- C26, C27: the largest named country of group OTHER over 2000-2023 ("other unlisted" is not a country).
other_country_totals as (
    select
        direction_code,
        country_code,
        cast(sum(persons) as double) as persons,
        any_value(country_name_en) as country_name_en
    from almaty
    where group_code = 'OTHER' and country_code <> '_O'
    group by direction_code, country_code
),

c26 as (
    select
        'C26' as claim_id,
        1 as element_number,
        first(country_name_en order by persons desc, country_code asc) as value_label,
        max(persons) as value_number
    from other_country_totals
    where direction_code = 'arrival'
),

c27 as (
    select
        'C27' as claim_id,
        1 as element_number,
        first(country_name_en order by persons desc, country_code asc) as value_label,
        max(persons) as value_number
    from other_country_totals
    where direction_code = 'departure'
),

-- C28: a net inflow from the CIS in 2022, and in none of the 13 years 2009-2021.
c28 as (
    select
        'C28' as claim_id,
        1 as element_number,
        bool_and(arrivals.cis_persons - departures.cis_persons > 0) filter (where arrivals.year = 2022)
        and bool_and(arrivals.cis_persons - departures.cis_persons <= 0) filter (
            where arrivals.year between 2009 and 2021
        ) as value_flag
    from arrivals
    inner join departures on arrivals.year = departures.year
),

-- C29: arrivals from Russia in 2023 over those in 2021.
c29 as (
    select
        'C29' as claim_id,
        1 as element_number,
        max(persons) filter (where year = 2023) / nullif(max(persons) filter (where year = 2021), 0) as value_number
    from country_arrivals
    where country_code = 'RUS'
),

-- C30: Russia's average yearly share of all arrivals, 2000-2021 then 2022-2023, percent.
c30 as (
    select
        'C30' as claim_id,
        case when year in (select pre_crisis_years.year from pre_crisis_years) then 1 else 2 end as element_number,
        avg(100.0 * persons / nullif(all_persons, 0)) as value_number
    from country_arrivals
    where country_code = 'RUS'
    group by element_number
),

-- C31: arrivals from Russia over 2022-2023.
c31 as (
    select
        'C31' as claim_id,
        1 as element_number,
        sum(persons) as value_number
    from country_arrivals
    where country_code = 'RUS' and year in (select crisis_years.year from crisis_years)
),

-- C32: Uzbekistan's share of all arrivals (of the period sums), 2000-2021 then 2022-2023, percent.
c32 as (
    select
        'C32' as claim_id,
        case when year in (select pre_crisis_years.year from pre_crisis_years) then 1 else 2 end as element_number,
        100.0 * sum(persons) / nullif(sum(all_persons), 0) as value_number
    from country_arrivals
    where country_code = 'UZB'
    group by element_number
),

-- C33: arrivals from Uzbekistan, Kyrgyzstan, Tajikistan and Ukraine over 2022-2023 (the period is not stated).
c33 as (
    select
        'C33' as claim_id,
        case country_code when 'UZB' then 1 when 'KGZ' then 2 when 'TJK' then 3 else 4 end as element_number,
        sum(persons) as value_number
    from country_arrivals
    where country_code in ('UZB', 'KGZ', 'TJK', 'UKR') and year in (select crisis_years.year from crisis_years)
    group by country_code
),

-- C34: arrivals from other countries in each year 2014-2021.
c34 as (
    select
        'C34' as claim_id,
        1 as element_number,
        year as entry_year,
        non_cis_persons as value_number
    from arrivals
    where year in (select p2014_2021_years.year from p2014_2021_years)
),

-- C35: arrivals from China in 2019; 2019 over 2018; the change from 2019 to 2020.
c35_china as (
    select * from country_arrivals
    where country_code = 'CHN'
),

c35 as (
    select
        'C35' as claim_id,
        1 as element_number,
        max(persons) filter (where year = 2019) as value_number
    from c35_china
    union all by name
    select
        'C35' as claim_id,
        2 as element_number,
        max(persons) filter (where year = 2019) / nullif(max(persons) filter (where year = 2018), 0) as value_number
    from c35_china
    union all by name
    select
        'C35' as claim_id,
        3 as element_number,
        max(persons) filter (where year = 2020) - max(persons) filter (where year = 2019) as value_number
    from c35_china
),

-- C36: correlation of arrivals from China with arrivals from other countries, 2000-2021.
c36 as (
    select
        'C36' as claim_id,
        1 as element_number,
        corr(persons, non_cis_persons) as value_number
    from country_arrivals
    where country_code = 'CHN' and year in (select pre_crisis_years.year from pre_crisis_years)
),

-- C37: arrivals from China over 2000-2021, and their share of arrivals from other countries, percent.
c37 as (
    select
        'C37' as claim_id,
        1 as element_number,
        sum(persons) as value_number
    from country_arrivals
    where country_code = 'CHN' and year in (select pre_crisis_years.year from pre_crisis_years)
    union all by name
    select
        'C37' as claim_id,
        2 as element_number,
        100.0 * sum(persons) / nullif(sum(non_cis_persons), 0) as value_number
    from country_arrivals
    where country_code = 'CHN' and year in (select pre_crisis_years.year from pre_crisis_years)
),

-- C38: arrivals from Turkey, Mongolia and Germany over 2000-2021.
c38 as (
    select
        'C38' as claim_id,
        case country_code when 'TUR' then 1 when 'MNG' then 2 else 3 end as element_number,
        sum(persons) as value_number
    from country_arrivals
    where country_code in ('TUR', 'MNG', 'DEU') and year in (select pre_crisis_years.year from pre_crisis_years)
    group by country_code
),

-- C39: arrivals from Turkey over 2022-2023; arrivals from China in each of 2022 and 2023 ("24 per year").
c39 as (
    select
        'C39' as claim_id,
        1 as element_number,
        sum(persons) as value_number
    from country_arrivals
    where country_code = 'TUR' and year in (select crisis_years.year from crisis_years)
    union all by name
    select
        'C39' as claim_id,
        2 as element_number,
        year as entry_year,
        persons as value_number
    from country_arrivals
    where country_code = 'CHN' and year in (select crisis_years.year from crisis_years)
),

-- C40: the Baltic states' share of arrivals from other countries (of the period sums), 2022-2023, percent.
c40 as (
    select
        'C40' as claim_id,
        1 as element_number,
        100.0 * sum(baltic_persons) / nullif(sum(non_cis_persons), 0) as value_number
    from arrivals
    where year in (select crisis_years.year from crisis_years)
),

-- C41: the Baltic states' average yearly share of arrivals from other countries, 2014-2021, percent.
c41 as (
    select
        'C41' as claim_id,
        1 as element_number,
        avg(100.0 * baltic_persons / nullif(non_cis_persons, 0)) as value_number
    from arrivals
    where year in (select p2014_2021_years.year from p2014_2021_years)
),

-- C42: arrivals from Lithuania, Latvia and Estonia over 2022-2023.
c42 as (
    select
        'C42' as claim_id,
        case country_code when 'LTU' then 1 when 'LVA' then 2 else 3 end as element_number,
        sum(persons) as value_number
    from country_arrivals
    where country_code in ('LTU', 'LVA', 'EST') and year in (select crisis_years.year from crisis_years)
    group by country_code
),

-- C43: shares of departures to other countries (not stated included), 2022-2023: USA, Turkey, not stated.
c43 as (
    select
        'C43' as claim_id,
        case country_code when 'USA' then 1 when 'TUR' then 2 else 3 end as element_number,
        100.0 * sum(persons) / nullif(sum(non_cis_persons), 0) as value_number
    from country_departures
    where country_code in ('USA', 'TUR', '_U') and year in (select crisis_years.year from crisis_years)
    group by country_code
),

-- C44: Greece's share of departures to other countries, 2000-2021 then 2022-2023, percent.
c44 as (
    select
        'C44' as claim_id,
        case when year in (select pre_crisis_years.year from pre_crisis_years) then 1 else 2 end as element_number,
        100.0 * sum(persons) / nullif(sum(non_cis_persons), 0) as value_number
    from country_departures
    where country_code = 'GRC'
    group by element_number
),

-- C45: departures to Greece in 2022, then in 2023.
c45 as (
    select
        'C45' as claim_id,
        case year when 2022 then 1 else 2 end as element_number,
        persons as value_number
    from country_departures
    where country_code = 'GRC' and year in (2022, 2023)
),

final as (
    select * from c17
    union all by name
    select * from c18
    union all by name
    select * from c19
    union all by name
    select * from c20
    union all by name
    select * from c21
    union all by name
    select * from c22
    union all by name
    select * from c23
    union all by name
    select * from c24
    union all by name
    select * from c25
    union all by name
    select * from c26
    union all by name
    select * from c27
    union all by name
    select * from c28
    union all by name
    select * from c29
    union all by name
    select * from c30
    union all by name
    select * from c31
    union all by name
    select * from c32
    union all by name
    select * from c33
    union all by name
    select * from c34
    union all by name
    select * from c35
    union all by name
    select * from c36
    union all by name
    select * from c37
    union all by name
    select * from c38
    union all by name
    select * from c39
    union all by name
    select * from c40
    union all by name
    select * from c41
    union all by name
    select * from c42
    union all by name
    select * from c43
    union all by name
    select * from c44
    union all by name
    select * from c45
)

select * from final
