"""Given names of East-Slavic lists and their forms across languages.

No maintained package carries a Ukrainian-Russian given-name concordance, so this table is
written here: one line a name, `UKRAINIAN forms | RUSSIAN forms | forms in other languages`,
`/` between alternatives; the first Ukrainian form names the group.
"""

from __future__ import annotations

from dataclasses import dataclass

_MALE = """
Олександр | Александр | Alexander, Alexandre, Aleksander, Alexandr, Alessandro, Alejandro
Олексій | Алексей | Alexei, Alexey, Alexis, Aleksiej, Alexej
Анатолій | Анатолий | Anatol, Anatole
Андрій | Андрей | Andrew, Andreas, André, Andrzej, Andrea, Andrés
Антон | Антон/Антоний | Anthony, Antoine, Antoni, Antonio
Аркадій | Аркадий | Arkadiusz
Арсеній/Арсен | Арсений/Арсен |
Артем | Артём/Артем | Artyom, Artiom
Артур | Артур | Arthur
Богдан | Богдан |
Борис | Борис |
Вадим | Вадим |
Валентин | Валентин | Valentine, Walenty
Валерій | Валерий | Valery, Walery, Valère
Василь | Василий | Basil, Wasyl, Wassili, Bazyli, Vassili
Веніамін/Веніямин | Вениамин | Benjamin
Віктор | Виктор | Victor, Wiktor
Віталій | Виталий | Vitali, Witalij, Witold
Владислав | Владислав | Władysław, Wladislaw
Володимир | Владимир | Vladimir, Wladimir, Włodzimierz, Volodimir, Vladimír
В'ячеслав | Вячеслав | Wiaczesław, Wjatscheslaw, Viatcheslav, Václav
Всеволод | Всеволод |
Гаврило | Гавриил/Гаврила | Gabriel, Gavriel
Геннадій | Геннадий | Gennady, Gennadi
Георгій | Георгий | George, Georg, Georges, Jerzy, Giorgio, Jorge
Юрій | Юрий | Yuri, Jurij, Youri
Герман | Герман | Hermann
Генріх | Генрих | Henry, Heinrich, Henri, Henryk
Гліб | Глеб |
Гнат/Ігнат | Игнат/Игнатий | Ignatius, Ignacy, Ignace
Григорій | Григорий | Gregory, Grzegorz, Grégoire, Gregor
Давид | Давид | David, Dawid
Данило | Даниил/Данила | Daniel, Danila, Daniil
Дем'ян | Демьян | Damian, Damien
Денис | Денис | Dennis, Dionizy, Denys
Дмитро | Дмитрий | Dmitri, Dimitri, Dymitr, Demetrius
Едуард | Эдуард | Edward, Édouard, Eduard
Еміль | Эмиль | Emil, Émile
Євген | Евгений | Eugene, Eugen, Eugeniusz, Eugène, Evgeni
Єгор | Егор | Egor
Захар | Захар | Zachary, Zacharias
Зиновій | Зиновий |
Іван | Иван | John, Johann, Johannes, Jean, Jan, Iwan, Giovanni, Juan
Ігор | Игорь | Igor
Іларіон | Илларион | Hilarion
Ілля | Илья | Elijah, Elias, Eliasz
Йосип/Осип | Иосиф/Осип | Joseph, Josef, Józef, Giuseppe, José
Кирило | Кирилл | Cyril, Cyrille, Kirył
Кіндрат | Кондрат/Кондратий | Konrad
Костянтин | Константин | Constantine, Konstanty, Constantin
Кузьма | Кузьма | Cosmas
Лаврентій | Лаврентий | Lawrence, Laurent, Wawrzyniec
Лев/Левко/Леон | Лев/Леон | Leo, Léon, Leon
Леонід | Леонид | Leonidas
Лука | Лука | Luke, Luc, Łukasz, Luca, Lukas
Любомир | Любомир |
Максим | Максим | Maxim, Maxime, Maksymilian
Марк/Марко | Марк | Mark, Marc, Marek, Marco
Мартин | Мартын | Martin, Marcin
Матвій | Матвей | Matthew, Mateusz, Matthieu, Matthias, Matvei
Микита | Никита | Nikita
Микола/Миколай | Николай | Nicholas, Nicolas, Nikolaus, Mikołaj, Nicola, Nicolai, Klaus
Мирон | Мирон |
Мирослав | Мирослав | Mirosław
Михайло | Михаил | Michael, Michel, Michał, Michele, Miguel
Назар | Назар |
Нестор | Нестор |
Олег | Олег |
Омелян | Емельян | Emilian
Опанас/Панас | Афанасий | Athanasius, Atanazy
Орест | Орест | Orestes
Остап | Остап/Евстафий | Eustace
Павло | Павел | Paul, Paweł, Paolo, Pablo
Петро | Пётр/Петр | Peter, Pierre, Piotr, Pietro, Pedro
Пилип/Філіп | Филипп | Philip, Philippe, Filip, Felipe
Платон | Платон | Plato
Прохор/Прохір | Прохор |
Прокіп | Прокопий/Прокоп | Prokop
Родіон | Родион |
Роман | Роман |
Ростислав | Ростислав |
Руслан | Руслан |
Савелій | Савелий |
Святослав | Святослав | Światosław
Семен/Симон | Семён/Семен/Симон | Simon, Szymon
Сергій | Сергей | Serge, Sergiusz, Sergio
Станіслав | Станислав | Stanisław
Степан/Стефан | Степан/Стефан | Stephen, Stefan, Étienne, Stéphane, Steven, Штефан, Szczepan
Тарас | Тарас |
Тимофій | Тимофей | Timothy, Tymoteusz, Timothée
Тимур | Тимур |
Тихон | Тихон |
Трохим | Трофим |
Федір/Теодор | Фёдор/Федор | Theodore, Teodor, Théodore
Хома | Фома | Thomas, Tomasz, Tomas
Харитон | Харитон |
Юліан | Юлиан | Julian, Julien
Юхим | Ефим | Euthymius
Яків | Яков | Jacob, Jakub, Jacques, James, Jakob
Ян | Ян |
Ярема | Еремей/Иеремия | Jeremiah, Jeremi
Ярослав | Ярослав | Jarosław
Адам | Адам |
Альберт | Альберт |
Роберт | Роберт |
Аарон | Аарон | Aaron
Августин | Августин | Augustine, Augustin, Augustyn
Аврелій | Аврелий | Aurelius, Aurelio
Азар | Азар |
Алевтин | Алевтин |
Амвросій | Амвросий | Ambrose, Ambroży
Архип/Орхип | Архип |
Богодар | Богодар |
Богуслав | Богуслав | Bogusław
Болеслав | Болеслав | Bolesław
Борислав | Борислав |
Варфоломій | Варфоломей | Bartholomew, Bartłomiej
Венедикт | Венедикт | Benedict, Benedykt
Гордій | Гордей |
Дан | Дан | Dan
Демид | Демид |
Зорян | Зорян |
Єлисей | Елисей |
Єфрем/Охрім | Ефрем | Ephraim
Климент | Климент | Clement, Klemens
Леонтій | Леонтий |
Леопольд | Леопольд | Leopold
Лук'ян | Лукьян | Lucian, Lucjan
Макар | Макар |
Олекса | Алекса |
Олесь/Лесь | Олесь |
Онисим | Онисим |
Пантелеймон | Пантелеймон |
Пармен | Пармен |
Соломон | Соломон | Solomon, Salomon
Спас | Спас |
Устим/Юстим | Устин/Юстин | Justin, Justyn
Феофан | Феофан | Theophanes
Франц | Франц | Franz, François, Franciszek, Francis
"""

_FEMALE = """
Олександра | Александра | Alexandra, Aleksandra, Alessandra
Алла | Алла |
Аліна | Алина |
Аліса | Алиса | Alice, Alicja
Альона | Алёна/Алена |
Анастасія | Анастасия | Anastasia, Anastazja, Anastasie
Ангеліна | Ангелина |
Анжела | Анжела | Angela, Angèle
Антоніна | Антонина |
Валентина | Валентина |
Валерія | Валерия | Valérie, Waleria
Варвара | Варвара | Barbara
Василина | Василиса |
Вероніка | Вероника | Veronica, Véronique, Weronika
Віра | Вера | Wiera, Véra
Вікторія | Виктория | Victoria, Wiktoria
Галина | Галина | Halina
Ганна/Анна | Анна | Anne, Ann, Hanna, Anya
Дарія/Дарина/Одарка | Дарья/Дария | Daria
Діана | Диана |
Євгенія | Евгения | Eugenia, Eugénie
Єва | Ева | Eve, Ewa
Єлизавета/Єлисавета | Елизавета/Елисавета | Elizabeth, Élisabeth, Elżbieta, Elisabeth
Жанна | Жанна | Jeanne, Joanna
Зінаїда | Зинаида | Zinaida
Зоя | Зоя |
Іванна | Иванна |
Ілона | Илона |
Інна | Инна |
Ірина/Ірена/Орина | Ирина/Арина | Irene, Irena, Irène
Катерина | Екатерина | Catherine, Katharina, Katarzyna, Katherine
Кіра | Кира |
Клавдія | Клавдия | Claudia, Klaudia
Ксенія/Оксенія | Ксения | Xenia, Ksenia
Лариса | Лариса |
Леся | Леся |
Лідія | Лидия | Lydia, Lidia
Лілія | Лилия | Lily, Lilia
Любов | Любовь |
Людмила | Людмила | Ludmila, Ludmiła
Майя | Майя | Maya, Maja
Маргарита | Маргарита | Margaret, Marguerite, Małgorzata, Margarete
Марина | Марина |
Марія | Мария | Mary, Maria, Marie
Мар'яна | Марьяна | Marianna, Marianne
Мирослава | Мирослава | Mirosława
Надія | Надежда | Nadia, Nadzieja
Наталія/Наталя | Наталья/Наталия | Natalie, Nathalie, Natalia
Ніна | Нина |
Оксана | Оксана |
Олена | Елена | Helen, Helena, Hélène, Jelena
Олеся | Олеся |
Ольга | Ольга |
Поліна | Полина | Pauline, Paulina
Раїса | Раиса |
Регіна | Регина |
Руслана | Руслана |
Світлана | Светлана | Swietłana
Софія | Софья/София | Sophia, Sophie, Zofia
Стефанія | Стефания | Stefania, Stéphanie
Таїсія | Таисия |
Тамара | Тамара |
Тетяна | Татьяна | Tatiana, Tatjana
Уляна | Ульяна | Juliana
Христина/Кристина | Кристина | Christina, Krystyna, Christine
Юлія | Юлия | Julia, Julie
Яна | Яна |
Ярослава | Ярослава | Jarosława
Емма | Эмма | Emma
Інга | Инга |
Ада | Ада | Ada
Альбіна | Альбина | Albina
Амалія | Амалия | Amalia, Amelia
Аніта | Анита | Anita
Богуслава | Богуслава | Bogusława
Богдана/Богданна | Богдана |
Віолетта | Виолетта | Violetta, Violette
Володимира | Владимира |
Дана/Данна | Дана |
Едита | Эдита | Edith, Edyta
Емілія | Эмилия | Emilia, Émilie
Еріка | Эрика | Erica, Erika
Златослава | Златослава |
Камілла | Камилла | Camilla, Kamila
Марта | Марфа/Марта | Martha
Михайлина | Михайлина |
Мілена | Милена | Milena
Пріска | Приска | Prisca
Розалія | Розалия | Rosalia, Rozalia
Святослава | Святослава |
Сніжана | Снежана |
Соломія | Соломея/Саломея | Salome
Орися | Орися |
Роксолана | Роксолана |
Тереза | Тереза | Theresa, Teresa, Thérèse
Юстина | Юстина | Justyna, Justine
Ярина | Ярина |
"""

# Everyday forms a list may carry instead of the full name (the group is the full name).
_DIMINUTIVES = """
Олександр: Саша, Сашко, Шура, Sasha
Олексій: Льоша, Лёша, Алеша, Alyosha
Володимир: Вова, Володя, Vova, Volodya
Дмитро: Діма, Дима, Dima
Микола: Коля, Kolya
Михайло: Міша, Миша, Misha
Сергій: Сергійко, Серёжа, Сережа, Seryozha
Іван: Ваня, Іванко, Vanya
Євген: Женя, Zhenya
Костянтин: Костя, Kostya
Анатолій: Толя, Tolya
Юрій: Юра, Yura
Петро: Петя, Petya
Віктор: Вітя, Витя, Vitya
В'ячеслав: Слава, Slava
Катерина: Катя, Katya
Наталія: Наташа, Natasha
Тетяна: Таня, Tanya
Олена: Лена, Lena
Ганна: Аня, Ania
Єлизавета: Ліза, Лиза, Liza
Марія: Маша, Маруся, Masha, Marusia
Людмила: Люда, Luda
Світлана: Світа, Света, Sveta
Ірина: Іра, Ира, Ira
Юлія: Юля, Yulia
"""


@dataclass(frozen=True)
class GivenName:
    """One given name in every form the table knows; `group` is its first Ukrainian form."""

    group: str
    sex: str  # "m" or "f"
    ukrainian: tuple[str, ...]
    russian: tuple[str, ...]
    other: tuple[str, ...]
    diminutives: tuple[str, ...] = ()

    def cyrillic_forms(self) -> tuple[str, ...]:
        return self.ukrainian + self.russian


def _split(cell: str, sep: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split(sep) if x.strip())


def _parse(block: str, sex: str, diminutives: dict[str, tuple[str, ...]]) -> list[GivenName]:
    names = []
    for line in block.strip().splitlines():
        uk, ru, other = ([*line.split("|"), "", ""])[:3]
        ukrainian = _split(uk, "/")
        names.append(
            GivenName(
                group=ukrainian[0],
                sex=sex,
                ukrainian=ukrainian,
                russian=_split(ru, "/"),
                other=_split(other, ","),
                diminutives=diminutives.get(ukrainian[0], ()),
            )
        )
    return names


def _diminutives() -> dict[str, tuple[str, ...]]:
    out = {}
    for line in _DIMINUTIVES.strip().splitlines():
        group, _, forms = line.partition(":")
        out[group.strip()] = _split(forms, ",")
    return out


GIVEN_NAMES: tuple[GivenName, ...] = tuple(
    _parse(_MALE, "m", _diminutives()) + _parse(_FEMALE, "f", _diminutives())
)
